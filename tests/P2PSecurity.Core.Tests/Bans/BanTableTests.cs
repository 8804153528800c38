using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Tests.Bans;

/// <summary>
/// The table's sorted array, merged from the last one and the changes since (no sort of the whole table): it must
/// hold exactly the bans held, each once, in the index's order, whatever mix of puts, replacements, removals,
/// expiries, displacements and undone writes came between two snapshots.
/// </summary>
public sealed class BanTableTests
{
    [Fact]
    public void Sorted_RandomChangesBetweenSnapshots_ExactlyTheBansHeldInOrder()
    {
        var random = new Random(2026);
        var table = new BanTable();
        var previous = Array.Empty<Ban>();
        for (var round = 0; round < 300; round++)
        {
            var changes = random.Next(0, 40);
            for (var c = 0; c < changes; c++)
            {
                var target = RandomTarget(random);
                switch (random.Next(0, 6))
                {
                    case 0 or 1:
                        var source = random.Next(0, 3) == 0 ? BanSource.Operator : BanSource.Automatic;
                        table.TryPut(new Ban(target, source, "r", 0, random.Next(1, 1000)), 150, out _, out _);
                        break;
                    case 2:
                        table.Remove(target);
                        break;
                    case 3:
                        // A write that failed: put in, then undone (back to what was there, perhaps nothing).
                        var before = table.Get(target);
                        table.TryPut(new Ban(target, BanSource.Automatic, "r", 0, random.Next(1, 1000)), 150, out _, out _);
                        table.Restore(target, before);
                        break;
                    case 4:
                        // Removed, then put back as the very same record (an undone unban).
                        if (table.Remove(target) is { } removed)
                        {
                            table.Restore(target, removed);
                        }
                        break;
                    default:
                        table.RemoveExpired(random.Next(0, 200));
                        break;
                }
            }

            var sorted = table.Sorted(previous);

            var expected = table.Values.ToArray();
            Array.Sort(expected, BanRangeIndex.ByOrder);
            Assert.Equal(expected.Length, sorted.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Same(expected[i], sorted[i]);
            }
            previous = sorted;
        }
        Assert.Equal(0, table.FullSorts);
    }

    [Fact]
    public void Sorted_ReplacedBan_OnlyTheNewRecord()
    {
        var table = new BanTable();
        var target = BanTarget.ForRange((UInt128)0xFFFF_0A00_0001UL, 128);
        var old = new Ban(target, BanSource.Automatic, "r", 0, 10);
        table.TryPut(old, 10, out _, out _);
        var first = table.Sorted([]);
        var replacement = new Ban(target, BanSource.Operator, "r", 0, 20);

        table.TryPut(replacement, 10, out var previous, out _);
        var second = table.Sorted(first);

        Assert.Same(old, previous);
        Assert.Same(old, Assert.Single(first));
        Assert.Same(replacement, Assert.Single(second));
    }

    [Fact]
    public void Snapshot_MergedAfterChanges_AnswersAsOneBuiltFromScratch()
    {
        var random = new Random(77);
        var table = new BanTable();
        var previous = Array.Empty<Ban>();
        for (var round = 0; round < 50; round++)
        {
            for (var c = 0; c < 30; c++)
            {
                var target = RandomTarget(random);
                if (random.Next(0, 4) == 0)
                {
                    table.Remove(target);
                }
                else
                {
                    table.TryPut(new Ban(target, BanSource.Automatic, "r", 0, random.Next(1, 1000)), 1_000, out _, out _);
                }
            }
            previous = table.Sorted(previous);
            var merged = BanSnapshot.FromSorted(round, previous);
            var scratch = BanSnapshot.Build(round, table.Values.ToArray());

            Assert.Equal(scratch.Addresses.SegmentCount, merged.Addresses.SegmentCount);
            for (var p = 0; p < 2_000; p++)
            {
                var probe = (UInt128)0xFFFF_0A00_0000UL | (uint)random.Next(0, 1 << 16);
                Assert.Equal(scratch.Addresses.ExpiryOf(probe), merged.Addresses.ExpiryOf(probe));
            }
            Assert.Equal(scratch.NextExpiryMs, merged.NextExpiryMs);
            Assert.Equal(scratch.Nodes.Count, merged.Nodes.Count);
        }
        Assert.Equal(0, table.FullSorts);
    }

    /// <summary>Nested IPv4 blocks and single addresses in 10.0.0.0/16 (many collisions), and a few node keys.</summary>
    private static BanTarget RandomTarget(Random random)
    {
        if (random.Next(0, 10) == 0)
        {
            return BanTarget.ForNode(TestSupport.TestKeys.Key(random.Next(0, 20)));
        }
        var prefix = 96 + random.Next(16, 33);
        return BanTarget.ForRange((UInt128)0xFFFF_0A00_0000UL | (uint)random.Next(0, 1 << 16), prefix);
    }
}
