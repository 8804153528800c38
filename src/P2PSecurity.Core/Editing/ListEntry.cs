using System.Diagnostics.CodeAnalysis;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Turns what an operator typed into the one written form an entry has in the file, with the same parsers the
/// policy loader uses, so that <c>AB:CD…</c> and <c>abcd…</c> are the same key and <c>::ffff:192.0.2.1</c> is <c>192.0.2.1</c>.
/// </summary>
public static class ListEntry
{
    /// <summary>Normalises <paramref name="input"/> for <paramref name="list"/>; false with a reason when it is malformed.</summary>
    public static bool TryNormalize(PolicyList list, string input, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        if (list.HoldsNodeKeys())
        {
            if (NodeKey.TryParse(input, out var key, out error))
            {
                canonical = key.ToString();
                return true;
            }
            canonical = null;
            return false;
        }
        if (IpRange.TryParse(input, out var range, out error))
        {
            canonical = range.Canonical;
            return true;
        }
        canonical = null;
        return false;
    }

    /// <summary>
    /// Decides where a <c>block</c>/<c>unblock</c> argument goes: a node key goes to BLOCKED_NODE_KEYS, an address or
    /// CIDR to BLOCKED_IP_ADDRESSES. The two forms cannot be confused: a key has 64 hex digits and no dots or slash.
    /// </summary>
    public static bool TryClassifyBlockTarget(string input, out PolicyList list, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        if (NodeKey.TryParse(input, out var key, out var keyError))
        {
            list = PolicyList.BlockedNodeKeys;
            canonical = key.ToString();
            error = null;
            return true;
        }
        list = PolicyList.BlockedIpAddresses;
        if (IpRange.TryParse(input, out var range, out var ipError))
        {
            canonical = range.Canonical;
            error = null;
            return true;
        }
        canonical = null;
        error = LooksLikeKey(input)
            ? keyError
            : $"{ipError}; or, as a node key: {keyError}";
        return false;
    }

    /// <summary>The canonical form of <paramref name="token"/> in any list, or null when it is no valid entry.</summary>
    internal static string? CanonicalOrNull(PolicyList list, string token) =>
        TryNormalize(list, token, out var canonical, out _) ? canonical : null;

    private static bool LooksLikeKey(string input)
    {
        var s = input.Trim();
        return s.Length >= 32 && !s.Contains('.') && !s.Contains('/') && s.Count(c => c == ':') is 0 or > 8;
    }
}
