using System.Collections.Frozen;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The node lists of one policy revision as the nodes page reads them: both key lists sorted, and the labels of
/// the policy file. Made from the view of an earlier revision by <see cref="Next"/>, which applies only what
/// changed between the two policies.
/// </summary>
internal sealed class NodeListView
{
    private NodeListView(SecurityPolicy policy, SortedNodeKeys allowed, SortedNodeKeys blocked, IReadOnlyDictionary<string, string> labels)
    {
        Policy = policy;
        Allowed = allowed;
        Blocked = blocked;
        Labels = labels;
    }

    public SecurityPolicy Policy { get; }

    public SortedNodeKeys Allowed { get; }

    public SortedNodeKeys Blocked { get; }

    /// <summary>Label by canonical entry, as <see cref="EntryLabels.Read(string)"/> gives them.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    public SortedNodeKeys Keys(PolicyList list) => list == PolicyList.AllowedNodeKeys ? Allowed : Blocked;

    /// <summary>The view of <paramref name="policy"/>: from <paramref name="earlier"/>'s lists when there is one, labels read from <paramref name="labels"/>.</summary>
    public static NodeListView Next(NodeListView? earlier, SecurityPolicy policy, IReadOnlyDictionary<string, string> labels) => new(
        policy,
        Moved(earlier?.Allowed, earlier?.Policy.AllowedNodeKeys, policy.AllowedNodeKeys),
        Moved(earlier?.Blocked, earlier?.Policy.BlockedNodeKeys, policy.BlockedNodeKeys),
        labels);

    /// <summary>
    /// The positions in <paramref name="list"/>, ascending, of the keys that contain <paramref name="query"/> or
    /// whose label does (ignoring case); every key when the query is empty (null: no filter).
    /// </summary>
    public List<int>? Matching(PolicyList list, string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return null;
        }
        var keys = Keys(list);
        var q = query.Trim();
        var hits = keys.Containing(q.ToLowerInvariant());
        var byKey = hits.Count;
        foreach (var (entry, label) in Labels)
        {
            if (label.Contains(q, StringComparison.OrdinalIgnoreCase) && keys.IndexOf(entry) is var at and >= 0)
            {
                hits.Add(at);
            }
        }
        if (hits.Count > byKey)
        {
            hits.Sort();
            var distinct = 0;
            for (var i = 0; i < hits.Count; i++)
            {
                if (distinct == 0 || hits[i] != hits[distinct - 1])
                {
                    hits[distinct++] = hits[i];
                }
            }
            hits.RemoveRange(distinct, hits.Count - distinct);
        }
        return hits;
    }

    /// <summary>
    /// Page <paramref name="page"/> (from 1) of <paramref name="size"/> keys (1 to 1,000) of those matching
    /// <paramref name="query"/>; a page number out of range gives the nearest page.
    /// </summary>
    public NodeSlice Slice(PolicyList list, string? query, int page, int size)
    {
        var keys = Keys(list);
        var matching = Matching(list, query);
        var total = matching?.Count ?? keys.Count;
        size = Math.Clamp(size, 1, 1000);
        var pages = Math.Max(1, (total + size - 1) / size);
        page = Math.Clamp(page, 1, pages);
        var first = (page - 1) * size;
        var shown = new List<string>(Math.Clamp(total - first, 0, size));
        for (var i = first; i < total && i < first + size; i++)
        {
            shown.Add(keys[matching is null ? i : matching[i]]);
        }
        return new NodeSlice(shown, total, page, size, pages);
    }

    private static SortedNodeKeys Moved(SortedNodeKeys? sorted, NodeKeySet? before, NodeKeySet after)
    {
        if (sorted is null || before is null)
        {
            return SortedNodeKeys.Of(after);
        }
        if (ReferenceEquals(before, after))
        {
            return sorted;
        }
        // Two passes of set look-ups (a few ms for 100,000 keys) instead of a sort of the whole list.
        var added = new List<NodeKey>();
        foreach (var key in after)
        {
            if (!before.Contains(key))
            {
                added.Add(key);
            }
        }
        var removed = new List<NodeKey>();
        if (before.Count + added.Count != after.Count)
        {
            foreach (var key in before)
            {
                if (!after.Contains(key))
                {
                    removed.Add(key);
                }
            }
        }
        return sorted.With(added, removed);
    }
}
