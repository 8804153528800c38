using System.Collections.Frozen;

namespace P2PSecurity.Core.Policy;

/// <summary>A parsed node-key list value and its frozen set, kept so that an unchanged value is not parsed again.</summary>
internal sealed record KeyListParse(string Value, FrozenSet<NodeKey> Keys);
