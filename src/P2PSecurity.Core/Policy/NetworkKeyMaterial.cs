namespace P2PSecurity.Core.Policy;

/// <summary>The network keys a policy file leads to, wherever they live, and the files to watch for them.</summary>
internal sealed record NetworkKeyMaterial(string Current, string CurrentSource, string Previous, string PreviousSource, IReadOnlyList<string> Files);
