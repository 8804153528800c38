using System.Collections.Frozen;
using System.Text;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;
using P2PSecurity.Server.Dashboard;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Dashboard;

public sealed class NodeListIndexTests : IDisposable
{
    private readonly PolicyFolder _folder = new();
    private readonly Random _random = new(12);
    private long _revision;

    public void Dispose() => _folder.Dispose();

    private SecurityPolicy Policy(IEnumerable<NodeKey> allowed, IEnumerable<NodeKey>? blocked = null, SecurityPolicy? reuseBlockedOf = null) => new()
    {
        Revision = ++_revision,
        AllowedNodeKeys = NodeKeySet.Create(allowed),
        BlockedNodeKeys = reuseBlockedOf?.BlockedNodeKeys ?? NodeKeySet.Create(blocked ?? []),
    };

    private void Labels(params (NodeKey Key, string Label)[] labels)
    {
        var b = new StringBuilder();
        foreach (var (key, label) in labels)
        {
            b.Append(EntryLabels.Format(key.ToString(), label)).Append('\n');
        }
        _folder.WriteEnv(b.Append("ALLOWED_NODE_KEYS=...\n").ToString());
    }

    private List<NodeKey> Keys(int n) => [.. Enumerable.Range(0, n).Select(_ => SortedNodeKeysTests.Key(_random))];

    private static List<string> Printed(IEnumerable<NodeKey> keys) => [.. keys.Select(k => k.ToString()).Order(StringComparer.Ordinal)];

    [Fact]
    public void For_OneKeyAdded_NextRevisionListsItInOrderAndKeepsTheUnchangedList()
    {
        var keys = Keys(200);
        var index = new NodeListIndex(_folder.EnvPath);
        var first = Policy(keys, Keys(5));
        var before = index.For(first);
        var added = SortedNodeKeysTests.Key(_random);

        var after = index.For(Policy([.. keys, added], reuseBlockedOf: first));

        Assert.Equal(Printed([.. keys, added]), after.Slice(PolicyList.AllowedNodeKeys, null, 1, 1000).Keys);
        Assert.Same(before.Blocked, after.Blocked);
        Assert.Equal(201, after.Slice(PolicyList.AllowedNodeKeys, null, 1, 50).Total);
    }

    [Fact]
    public void For_KeyRemoved_GoneFromPagesAndSearch()
    {
        var keys = Keys(100);
        var index = new NodeListIndex(_folder.EnvPath);
        index.For(Policy(keys));
        var gone = keys[40];

        var view = index.For(Policy(keys.Where(k => k != gone)));

        Assert.Equal(Printed(keys.Where(k => k != gone)), view.Slice(PolicyList.AllowedNodeKeys, null, 1, 1000).Keys);
        Assert.Empty(view.Slice(PolicyList.AllowedNodeKeys, gone.ToString(), 1, 50).Keys);
    }

    [Fact]
    public void For_LabelChangedInTheFile_NextRevisionShowsAndFindsTheNewLabel()
    {
        var keys = Keys(30);
        Labels((keys[3], "rack 4"));
        var index = new NodeListIndex(_folder.EnvPath);
        var first = index.For(Policy(keys));

        Labels((keys[3], "rack 9, moved"), (keys[5], "spare"));
        var second = index.For(Policy(keys));

        Assert.Equal("rack 4", first.Labels[keys[3].ToString()]);
        Assert.Equal("rack 9, moved", second.Labels[keys[3].ToString()]);
        Assert.Same(first.Allowed, second.Allowed); // the keys did not move: no merge, no copy
        Assert.Equal([keys[3].ToString()], second.Slice(PolicyList.AllowedNodeKeys, "RACK 9", 1, 50).Keys);
        Assert.Empty(second.Slice(PolicyList.AllowedNodeKeys, "rack 4", 1, 50).Keys);
        Assert.Equal([keys[5].ToString()], second.Slice(PolicyList.AllowedNodeKeys, "spare", 1, 50).Keys);
    }

    [Fact]
    public void For_KeyBlockedThenUnblocked_BlockedListFollowsAndAllowedIsKept()
    {
        var keys = Keys(50);
        var index = new NodeListIndex(_folder.EnvPath);
        var open = index.For(Policy(keys));

        var blocked = index.For(Policy(keys, [keys[7]]));
        var unblocked = index.For(Policy(keys, []));

        Assert.Equal([keys[7].ToString()], blocked.Slice(PolicyList.BlockedNodeKeys, null, 1, 50).Keys);
        Assert.Same(open.Allowed, blocked.Allowed);
        Assert.Equal(0, unblocked.Slice(PolicyList.BlockedNodeKeys, null, 1, 50).Total);
    }

    [Fact]
    public void For_SamePolicyTwice_OneView()
    {
        var index = new NodeListIndex(_folder.EnvPath);
        var policy = Policy(Keys(10));

        Assert.Same(index.For(policy), index.For(policy));
    }

    [Fact]
    public void For_OlderPolicyAfterANewerOne_AnsweredRightAndTheNewerStaysLatest()
    {
        var keys = Keys(20);
        var index = new NodeListIndex(_folder.EnvPath);
        var older = Policy(keys);
        var newer = Policy(keys.Skip(5));
        var latest = index.For(newer);

        var late = index.For(older); // a page that read the policy just before the swap

        Assert.Equal(Printed(keys), late.Slice(PolicyList.AllowedNodeKeys, null, 1, 1000).Keys);
        Assert.Same(latest, index.For(newer));
    }

    [Fact]
    public void For_ManyRevisionsOfRandomEdits_PagesAndSearchesEqualAFreshBuild()
    {
        var allowed = Keys(400).ToHashSet();
        var blocked = Keys(20).ToHashSet();
        var index = new NodeListIndex(_folder.EnvPath);
        for (var revision = 0; revision < 40; revision++)
        {
            foreach (var k in allowed.OrderBy(_ => _random.Next()).Take(_random.Next(0, 3)).ToList())
            {
                allowed.Remove(k);
            }
            allowed.UnionWith(Keys(_random.Next(0, revision % 10 == 0 ? 50 : 3)));
            if (revision % 3 == 0)
            {
                blocked.Add(allowed.First());
            }
            var labelled = allowed.OrderBy(_ => _random.Next()).Take(10).Select((k, i) => (k, $"peer-{revision}-{i}")).ToArray();
            Labels(labelled);
            var policy = Policy(allowed, blocked);

            var kept = index.For(policy);
            var fresh = new NodeListIndex(_folder.EnvPath).For(policy);

            foreach (var list in new[] { PolicyList.AllowedNodeKeys, PolicyList.BlockedNodeKeys })
            {
                foreach (var query in new[] { null, "ab", $"peer-{revision}", labelled[0].Item2, labelled[1].k.ToString()[20..30] })
                {
                    for (var page = 1; page <= 3; page++)
                    {
                        Assert.Equal(fresh.Slice(list, query, page, 50), kept.Slice(list, query, page, 50), SliceComparer.Instance);
                    }
                }
            }
            Assert.Equal(Printed(allowed), kept.Slice(PolicyList.AllowedNodeKeys, null, 1, 1000).Keys);
        }
    }

    [Fact]
    public void Slice_PageNumbersAndSizes_ClampedToTheList()
    {
        var keys = Keys(120);
        var view = new NodeListIndex(_folder.EnvPath).For(Policy(keys));
        var printed = Printed(keys);

        var first = view.Slice(PolicyList.AllowedNodeKeys, null, 1, 50);
        var last = view.Slice(PolicyList.AllowedNodeKeys, null, 3, 50);
        var past = view.Slice(PolicyList.AllowedNodeKeys, null, 4, 50);
        var before = view.Slice(PolicyList.AllowedNodeKeys, null, 0, 50);

        Assert.Equal(printed[..50], first.Keys);
        Assert.Equal((120, 1, 3), (first.Total, first.Page, first.Pages));
        Assert.Equal(printed[100..], last.Keys);
        Assert.Equal(3, last.Page);
        Assert.Equal(printed[100..], past.Keys);
        Assert.Equal(3, past.Page);
        Assert.Equal(printed[..50], before.Keys);
        Assert.Equal(printed[50..100], view.Slice(PolicyList.AllowedNodeKeys, null, 2, 50).Keys);
        Assert.Equal((1, 120), (view.Slice(PolicyList.AllowedNodeKeys, null, 1, 0).Size, view.Slice(PolicyList.AllowedNodeKeys, null, 1, 0).Pages));
        Assert.Equal(1000, view.Slice(PolicyList.AllowedNodeKeys, null, 1, 5000).Size);
        var empty = view.Slice(PolicyList.BlockedNodeKeys, null, 2, 50);
        Assert.Equal((0, 1, 1), (empty.Total, empty.Page, empty.Pages));
        Assert.Empty(empty.Keys);
    }

    [Fact]
    public void Slice_SearchByKeyAndLabel_EachMatchOnceInKeyOrder()
    {
        var keys = Keys(300);
        var view0 = new NodeListIndex(_folder.EnvPath);
        var outsider = SortedNodeKeysTests.Key(_random);
        var printed = Printed(keys);
        var target = NodeKey.Parse(printed[120]);
        // The label holds part of its own key: found by key and by label, listed once.
        Labels((target, "node " + printed[120][..6]), (NodeKey.Parse(printed[5]), "Edge Peer"), (outsider, "edge peer, not listed"));
        var view = view0.For(Policy(keys));

        var byLabel = view.Slice(PolicyList.AllowedNodeKeys, "  edge PEER ", 1, 50);
        var both = view.Slice(PolicyList.AllowedNodeKeys, printed[120][..6], 1, 50);
        var byKey = view.Slice(PolicyList.AllowedNodeKeys, printed[200][10..20].ToUpperInvariant(), 1, 50);

        Assert.Equal([printed[5]], byLabel.Keys); // the outsider's label matches too, but it is in no list
        Assert.Equal(both.Keys.Distinct().Count(), both.Total);
        Assert.Contains(printed[120], both.Keys);
        Assert.Equal(printed.Where(k => k.Contains(printed[120][..6], StringComparison.Ordinal)), both.Keys);
        Assert.Equal([printed[200]], byKey.Keys);
        Assert.Equal(0, view.Slice(PolicyList.AllowedNodeKeys, "nothing like it", 1, 50).Total);
    }

    [Fact]
    public void For_FileMissing_ViewWithoutLabels()
    {
        var view = new NodeListIndex(_folder.File("absent.env")).For(Policy(Keys(3)));

        Assert.Empty(view.Labels);
        Assert.Equal(3, view.Allowed.Count);
    }

    private sealed class SliceComparer : IEqualityComparer<NodeSlice>
    {
        public static readonly SliceComparer Instance = new();

        public bool Equals(NodeSlice? x, NodeSlice? y) =>
            x is not null && y is not null && x.Keys.SequenceEqual(y.Keys) && (x.Total, x.Page, x.Size, x.Pages) == (y.Total, y.Page, y.Size, y.Pages);

        public int GetHashCode(NodeSlice obj) => obj.Total;
    }
}
