using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>The three list settings an operator edits entry by entry.</summary>
public enum PolicyList
{
    AllowedNodeKeys,
    BlockedNodeKeys,
    BlockedIpAddresses,
}

/// <summary>Names and entry rules of the editable lists.</summary>
public static class PolicyLists
{
    /// <summary>Every editable list, in file-documentation order.</summary>
    public static IReadOnlyList<PolicyList> All { get; } = [PolicyList.AllowedNodeKeys, PolicyList.BlockedNodeKeys, PolicyList.BlockedIpAddresses];

    /// <summary>The setting name in the policy file.</summary>
    public static string KeyName(this PolicyList list) => list switch
    {
        PolicyList.AllowedNodeKeys => PolicyKeys.AllowedNodeKeys,
        PolicyList.BlockedNodeKeys => PolicyKeys.BlockedNodeKeys,
        PolicyList.BlockedIpAddresses => PolicyKeys.BlockedIpAddresses,
        _ => throw new ArgumentOutOfRangeException(nameof(list)),
    };

    /// <summary>True for the lists of node keys (as opposed to addresses).</summary>
    public static bool HoldsNodeKeys(this PolicyList list) => list != PolicyList.BlockedIpAddresses;
}
