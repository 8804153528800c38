using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

/// <summary>
/// A block list parsed again after an edit reuses the entries that did not change; whatever it reuses, the result
/// must be what a parse from scratch gives: the same entries, the same ranges, and a diff that names what changed.
/// </summary>
public sealed class BlockListParseTests
{
    private static readonly BlockListParse.ErrorSink NoErrors = (entry, error, _) => Assert.Fail($"{entry}: {error}");

    [Fact]
    public void Update_SameValue_ReusesTheWholeParse()
    {
        var value = "\n  10.0.0.1\n  10.0.0.2\n";
        var first = BlockListParse.Parse(value, NoErrors)!;

        Assert.Same(first, BlockListParse.Update(first, new string(value.AsSpan()), NoErrors));
    }

    [Theory]
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.1,10.0.0.9,10.0.0.3", "10.0.0.9", "10.0.0.2")]
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4", "10.0.0.4", "")]
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.0,10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.0", "")]
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.1,10.0.0.3", "", "10.0.0.2")]
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.1,10.0.0.23", "10.0.0.23", "10.0.0.2,10.0.0.3")] // a token that grows across a separator
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.2", "", "")] // a duplicate added
    [InlineData("10.0.0.1,10.0.0.2,10.0.0.3", "10.0.0.1,10.0.0.3,10.0.0.2", "", "")] // moved
    [InlineData("10.0.0.0/24,10.0.1.0/24,10.0.2.0/24", "10.0.0.0/24,10.0.2.0/24", "", "10.0.1.0/24")]
    public void Update_EditedValue_EqualsAParseFromScratchAndNamesTheChange(string before, string after, string added, string removed)
    {
        var previous = BlockListParse.Parse(before, NoErrors)!;

        var updated = BlockListParse.Update(previous, after, NoErrors)!;

        AssertSameAsScratch(updated, after);
        var changes = PolicyDiff.Compute(new SecurityPolicy { BlockedIpEntries = previous.Entries }, new SecurityPolicy { BlockedIpEntries = updated.Entries });
        var expected = new List<string>();
        if (added.Length > 0)
        {
            expected.Add($"BLOCKED_IP_ADDRESSES: blocked {added.Replace(",", ", ", StringComparison.Ordinal)}");
        }
        if (removed.Length > 0)
        {
            expected.Add($"BLOCKED_IP_ADDRESSES: unblocked {removed.Replace(",", ", ", StringComparison.Ordinal)}");
        }
        Assert.Equal(expected, changes);
    }

    [Fact]
    public void Update_BadEntryInTheChangedStretch_IsReportedOnItsLine()
    {
        var previous = BlockListParse.Parse("\n10.0.0.1\n10.0.0.2\n10.0.0.3\n", NoErrors)!;
        var errors = new List<(string Entry, int Line)>();

        var updated = BlockListParse.Update(previous, "\n10.0.0.1\n10.0.0.300\n10.0.0.3\n", (entry, _, line) => errors.Add((entry, line)));

        Assert.Null(updated);
        Assert.Equal([("10.0.0.300", 2)], errors);
    }

    [Fact]
    public void Update_RandomEditsOfALongList_AlwaysEqualAParseFromScratch()
    {
        var random = new Random(9);
        var entries = Enumerable.Range(0, 2_000).Select(_ => Entry(random)).ToList();
        var current = BlockListParse.Parse(string.Join("\n", entries), NoErrors)!;
        for (var round = 0; round < 300; round++)
        {
            var edits = random.Next(1, 4);
            for (var e = 0; e < edits; e++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        entries.Insert(random.Next(entries.Count + 1), Entry(random));
                        break;
                    case 1 when entries.Count > 1:
                        entries.RemoveAt(random.Next(entries.Count));
                        break;
                    default:
                        entries[random.Next(entries.Count)] = Entry(random);
                        break;
                }
            }
            var value = string.Join(random.Next(2) == 0 ? "\n" : ", ", entries);

            var updated = BlockListParse.Update(current, value, NoErrors)!;

            AssertSameAsScratch(updated, value);
            var scratchBefore = new HashSet<string>(current.Entries);
            var expectedAdded = updated.Entries.Where(x => !scratchBefore.Contains(x)).Order(StringComparer.Ordinal).ToList();
            var expectedRemoved = scratchBefore.Where(x => !updated.Entries.Contains(x)).Order(StringComparer.Ordinal).ToList();
            if (updated.Entries.IsDerivedFrom(current.Entries))
            {
                Assert.Equal(expectedAdded, updated.Entries.Added.Order(StringComparer.Ordinal));
                Assert.Equal(expectedRemoved, updated.Entries.Removed.Order(StringComparer.Ordinal));
            }
            current = updated;
        }
    }

    /// <summary>Mostly single addresses from a small space (so duplicates and adjacent merges happen), some ranges.</summary>
    private static string Entry(Random random) => random.Next(5) == 0
        ? $"10.{random.Next(4)}.{random.Next(8)}.0/24"
        : $"10.{random.Next(4)}.{random.Next(8)}.{random.Next(256)}";

    private static void AssertSameAsScratch(BlockListParse updated, string value)
    {
        var scratch = BlockListParse.Parse(value, NoErrors)!;
        Assert.True(scratch.Entries.SetEquals(updated.Entries));
        Assert.Equal(scratch.Set.RangeCount, updated.Set.RangeCount);
        for (var third = 0; third < 4; third++)
        {
            for (var fourth = 0; fourth < 8; fourth++)
            {
                for (var last = 0; last < 256; last += 3)
                {
                    var key = Core.Policy.IpAddressKey.From(System.Net.IPAddress.Parse($"10.{third}.{fourth}.{last}"));
                    Assert.Equal(scratch.Set.Contains(key), updated.Set.Contains(key));
                }
            }
        }
    }
}
