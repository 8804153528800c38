using P2PSecurity.Core.Policy;
using P2PSecurity.Server.Dashboard;

namespace P2PSecurity.Server.Tests.Dashboard;

public sealed class SortedNodeKeysTests
{
    internal static NodeKey Key(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return NodeKey.FromHash(bytes);
    }

    private static List<string> All(SortedNodeKeys keys) => [.. Enumerable.Range(0, keys.Count).Select(i => keys[i])];

    [Fact]
    public void Of_RandomKeys_InTheOrderTheyPrint()
    {
        var random = new Random(1);
        var keys = Enumerable.Range(0, 500).Select(_ => Key(random)).ToList();

        var sorted = SortedNodeKeys.Of(keys);

        Assert.Equal(keys.Select(k => k.ToString()).Order(StringComparer.Ordinal), All(sorted));
    }

    [Fact]
    public void With_RandomAddsAndRemovesOverManyRevisions_EqualsAFreshSortEachTime()
    {
        var random = new Random(2);
        var set = Enumerable.Range(0, 300).Select(_ => Key(random)).ToHashSet();
        var sorted = SortedNodeKeys.Of(set);
        for (var revision = 0; revision < 60; revision++)
        {
            // Some revisions add or remove one key (the dashboard's edit), some many, some nothing.
            var added = Enumerable.Range(0, random.Next(0, revision % 5 == 0 ? 80 : 3)).Select(_ => Key(random)).ToList();
            var removed = set.OrderBy(_ => random.Next()).Take(random.Next(0, revision % 7 == 0 ? 60 : 3)).ToList();
            set.ExceptWith(removed);
            set.UnionWith(added);

            sorted = sorted.With(added, removed);

            Assert.Equal(set.Select(k => k.ToString()).Order(StringComparer.Ordinal), All(sorted));
        }
    }

    [Fact]
    public void With_KeysAtBothEndsAddedAndRemoved_EndsAreRight()
    {
        var low = NodeKey.Parse(new string('0', 64));
        var high = NodeKey.Parse(new string('f', 64));
        var mid = NodeKey.Parse(new string('8', 64));
        var sorted = SortedNodeKeys.Of([mid]);

        var both = sorted.With([high, low], []);
        var none = both.With([], [low, high, mid]);

        Assert.Equal([low.ToString(), mid.ToString(), high.ToString()], All(both));
        Assert.Equal(0, none.Count);
    }

    [Fact]
    public void With_AddPresentAndRemoveAbsent_ChangesNothing()
    {
        var random = new Random(3);
        var keys = Enumerable.Range(0, 10).Select(_ => Key(random)).ToList();
        var sorted = SortedNodeKeys.Of(keys);

        Assert.Same(sorted, sorted.With([keys[4]], [Key(random)]));
    }

    [Fact]
    public void IndexOf_PresentAndAbsent_PositionOrMinusOne()
    {
        var random = new Random(4);
        var keys = Enumerable.Range(0, 50).Select(_ => Key(random)).ToList();
        var sorted = SortedNodeKeys.Of(keys);

        Assert.All(Enumerable.Range(0, sorted.Count), i => Assert.Equal(i, sorted.IndexOf(sorted[i])));
        Assert.Equal(-1, sorted.IndexOf(Key(random).ToString()));
        Assert.Equal(-1, sorted.IndexOf(sorted[3].ToUpperInvariant()));
        Assert.Equal(-1, sorted.IndexOf("203.0.113.7"));
        Assert.Equal(-1, sorted.IndexOf(new string('é', 64)));
    }

    [Fact]
    public void Containing_PartOfKeys_EveryKeyThatHoldsItInOrder()
    {
        var random = new Random(5);
        var sorted = SortedNodeKeys.Of([.. Enumerable.Range(0, 2000).Select(_ => Key(random))]);
        var all = All(sorted);

        foreach (var query in new[] { "ab", "0f3", all[17][30..38], all[1999][..64], all[0][60..] })
        {
            var expected = Enumerable.Range(0, all.Count).Where(i => all[i].Contains(query, StringComparison.Ordinal)).ToList();
            Assert.Equal(expected, sorted.Containing(query));
        }
    }

    [Fact]
    public void Containing_QueryAcrossTwoAdjacentKeys_NoMatch()
    {
        var first = NodeKey.Parse(new string('1', 60) + "abcd");
        var second = NodeKey.Parse("ef" + new string('2', 62));
        var sorted = SortedNodeKeys.Of([first, second]);

        Assert.Empty(sorted.Containing("cdef")); // the end of one key and the start of the next
        Assert.Equal([0], sorted.Containing("1abcd"));
        Assert.Equal([1], sorted.Containing("ef22"));
    }

    [Fact]
    public void Containing_NoHexOrTooLongOrEmpty_NoMatch()
    {
        var sorted = SortedNodeKeys.Of([NodeKey.Parse(new string('a', 64))]);

        Assert.Empty(sorted.Containing("peer-0001"));
        Assert.Empty(sorted.Containing(new string('a', 65)));
        Assert.Empty(sorted.Containing(""));
        Assert.Equal([0], sorted.Containing(new string('a', 64)));
    }
}
