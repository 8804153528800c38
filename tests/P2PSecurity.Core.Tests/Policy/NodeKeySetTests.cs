using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Policy;

/// <summary>
/// The node-key set the gate looks keys up in: built whole or patched from the set before, it must hold exactly the
/// keys a plain set would, the all-zero key included, and a patched set must name exactly what it changed.
/// </summary>
public sealed class NodeKeySetTests
{
    private static readonly NodeKey Zero = NodeKey.FromHash(new byte[32]);

    [Fact]
    public void Empty_HoldsNothing_NotEvenTheZeroKey()
    {
        Assert.Empty(NodeKeySet.Empty);
        Assert.False(NodeKeySet.Empty.Contains(TestKeys.Key(1)));
        Assert.False(NodeKeySet.Empty.Contains(Zero));
    }

    [Fact]
    public void Build_DuplicateKeys_HoldsEachOnceAndSaysSo()
    {
        var set = NodeKeySet.Build([TestKeys.Key(1), TestKeys.Key(2), TestKeys.Key(1)], out var duplicates);

        Assert.True(duplicates);
        Assert.Equal(2, set.Count);
        Assert.Equal(new HashSet<NodeKey> { TestKeys.Key(1), TestKeys.Key(2) }, set.ToHashSet());
    }

    [Fact]
    public void Build_ZeroKey_IsHeldBesideTheTable()
    {
        var set = NodeKeySet.Build([Zero, TestKeys.Key(1)], out var duplicates);

        Assert.False(duplicates);
        Assert.True(set.Contains(Zero));
        Assert.True(set.Contains(TestKeys.Key(1)));
        Assert.Equal(2, set.Count);
        Assert.Contains(Zero, (IEnumerable<NodeKey>)set);
        Assert.False(set.With([Zero], [], out _).Contains(Zero));
    }

    [Fact]
    public void With_KeysRemovedOneByOne_TheOthersStayFound()
    {
        // Many removals from the middle of runs of occupied slots: each must move the rest of its run back, or a
        // later key of the run would no longer be found.
        var keys = Enumerable.Range(0, 5_000).Select(TestKeys.Key).ToList();
        var set = NodeKeySet.Build([.. keys], out _);

        foreach (var victim in keys.Take(2_500))
        {
            set = set.With([victim], [], out _);
            Assert.False(set.Contains(victim));
        }

        Assert.Equal(2_500, set.Count);
        Assert.All(keys.Skip(2_500), k => Assert.True(set.Contains(k)));
    }

    [Fact]
    public void With_RandomPatches_AlwaysEqualAPlainSetAndNameTheChange()
    {
        var random = new Random(9);
        var plain = new HashSet<NodeKey>(Enumerable.Range(0, 300).Select(TestKeys.Key));
        var set = NodeKeySet.Build([.. plain], out _);
        for (var round = 0; round < 400; round++)
        {
            // Keys from a small space, so that removals of absent keys, re-adds and growth past the table all happen.
            var removed = Enumerable.Range(0, random.Next(0, 6)).Select(_ => TestKeys.Key(random.Next(600))).ToArray();
            var added = Enumerable.Range(0, random.Next(0, 40)).Select(_ => TestKeys.Key(random.Next(600))).ToArray();
            if (random.Next(10) == 0)
            {
                added = [.. added, Zero];
            }
            var before = new HashSet<NodeKey>(plain);
            plain.ExceptWith(removed);
            var expectedDuplicates = added.Length != added.Distinct().Count() || added.Any(plain.Contains);
            plain.UnionWith(added);

            var next = set.With(removed, added, out var duplicates);

            Assert.Equal(expectedDuplicates, duplicates);
            Assert.Equal(plain.Count, next.Count);
            Assert.True(next.SetEquals(plain));
            Assert.Equal(plain.Count, next.AsEnumerable().Count()); // what enumerating yields, not the stored count
            for (var n = 0; n < 600; n++)
            {
                Assert.Equal(plain.Contains(TestKeys.Key(n)), next.Contains(TestKeys.Key(n)));
            }
            Assert.True(next.IsDerivedFrom(set));
            Assert.Equal(plain.Except(before).ToHashSet(), next.Added.ToHashSet());
            Assert.Equal(before.Except(plain).ToHashSet(), next.Removed.ToHashSet());
            Assert.Equal(next.Added.Count, next.Added.Distinct().Count());
            set = next;
        }
    }

    [Fact]
    public void SetMethods_AgreeWithAPlainSet()
    {
        var set = NodeKeySet.Create([TestKeys.Key(1), TestKeys.Key(2)]);
        var same = new[] { TestKeys.Key(2), TestKeys.Key(1), TestKeys.Key(1) };
        var more = new[] { TestKeys.Key(1), TestKeys.Key(2), TestKeys.Key(3) };

        Assert.True(set.SetEquals(same));
        Assert.False(set.SetEquals(more));
        Assert.True(set.IsSubsetOf(more));
        Assert.True(set.IsProperSubsetOf(more));
        Assert.False(set.IsProperSubsetOf(same));
        Assert.True(set.IsSupersetOf([TestKeys.Key(2)]));
        Assert.True(set.IsProperSupersetOf([TestKeys.Key(2), TestKeys.Key(2)]));
        Assert.False(set.IsProperSupersetOf(same));
        Assert.True(set.Overlaps([TestKeys.Key(3), TestKeys.Key(2)]));
        Assert.False(set.Overlaps([TestKeys.Key(3)]));
    }
}
