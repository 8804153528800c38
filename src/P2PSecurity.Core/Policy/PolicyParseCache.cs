namespace P2PSecurity.Core.Policy;

/// <summary>
/// What a load parsed of the long lists, handed to the next load so that a reload reuses what did not change (see
/// <see cref="PolicyLoader"/>). Each part is a valid parse of some value; a list that was bad keeps the part before.
/// </summary>
internal sealed record PolicyParseCache(KeyListParse? AllowedNodeKeys, KeyListParse? BlockedNodeKeys, BlockListParse? BlockedIps)
{
    public static readonly PolicyParseCache Empty = new(null, null, null);
}
