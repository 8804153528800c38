namespace P2PSecurity.Core.Policy;

/// <summary>
/// Finds the setting an unknown key was probably meant to be: <c>ALLOWED_NODE_KEY</c>, <c>BLOCKED_IPS</c>,
/// <c>max_connections_per_ip</c>. Unknown keys are ignored (other programs share .env files), so a typo would
/// otherwise silently leave a default in force.
/// </summary>
internal static class NearMiss
{
    public static string? Find(string key)
    {
        if (key.Length > 100)
        {
            return null;
        }
        var upper = key.ToUpperInvariant();
        string? best = null;
        var bestScore = int.MaxValue;
        foreach (var known in PolicyKeys.All)
        {
            if (upper == known)
            {
                return known; // only the case differs
            }
            var distance = Levenshtein(upper, known);
            if (distance <= 2 && distance < bestScore)
            {
                best = known;
                bestScore = distance;
            }
        }
        if (best is not null)
        {
            return best;
        }
        // Word-level: every word of the unknown key (ignoring a plural 's') is a word of one of ours.
        var words = Words(upper);
        if (words.Count < 2)
        {
            return null;
        }
        foreach (var known in PolicyKeys.All)
        {
            var knownWords = Words(known);
            if (words.IsSubsetOf(knownWords) || (knownWords.IsSubsetOf(words) && words.Count - knownWords.Count <= 1))
            {
                return known;
            }
        }
        return null;
    }

    private static HashSet<string> Words(string key) =>
        key.Split(['_', '-', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(Singular)
            .Select(w => w switch { "IPADDRESSE" or "IPADDRESS" or "IPADDR" or "ADDRESSE" or "ADDRESS" or "ADDR" => "ADDRESSE", _ => w })
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Drops a plural 's' (IPS, KEYS, NODES, ADDRESSES) but not the end of a word like ADDRESS.</summary>
    private static string Singular(string word) =>
        word.Length >= 3 && word.EndsWith('S') && !word.EndsWith("SS", StringComparison.Ordinal) ? word[..^1] : word;

    private static int Levenshtein(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2)
        {
            return int.MaxValue;
        }
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
