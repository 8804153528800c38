using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Policy;

/// <summary>
/// A node-key list parsed again after an edit reuses the entries and the set that did not change; whatever it
/// reuses, the result must be what a parse from scratch gives, and the diff must name what changed.
/// </summary>
public sealed class KeyListParseTests
{
    private static readonly KeyListParse.ErrorSink NoErrors = (entry, error, _) => Assert.Fail($"{entry}: {error}");

    [Fact]
    public void Update_SameValue_ReusesTheWholeParse()
    {
        var value = $"\n  {TestKeys.Hex(1)}\n  {TestKeys.Hex(2)}\n";
        var first = KeyListParse.Parse(value, NoErrors)!;

        Assert.Same(first, KeyListParse.Update(first, new string(value.AsSpan()), NoErrors));
    }

    [Theory]
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,9,5,6,7,8", "9", "4")] // one key replaced
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,4,5,6,7,8,9", "9", "")] // appended
    [InlineData("1,2,3,4,5,6,7,8", "9,1,2,3,4,5,6,7,8", "9", "")] // prepended
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,5,6,7,8", "", "4")] // removed
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,4,5,6,7,8,4", "", "")] // a duplicate added
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,5,6,4,7,8", "", "")] // moved
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,4u,5,6,7,8", "", "")] // typed again in upper case: the same key
    [InlineData("1,2,3,4,5,6,7,8", "1,2,3,4:,5,6,7,8", "", "")] // typed again with colons: the same key
    public void Update_EditedValue_EqualsAParseFromScratchAndNamesTheChange(string before, string after, string added, string removed)
    {
        var previous = KeyListParse.Parse(Value(before), NoErrors)!;

        var updated = KeyListParse.Update(previous, Value(after), NoErrors)!;

        AssertSameAsScratch(updated, Value(after));
        Assert.True(updated.Keys.IsDerivedFrom(previous.Keys), "the set was patched, not rebuilt");
        var changes = PolicyDiff.Compute(new SecurityPolicy { AllowedNodeKeys = previous.Keys }, new SecurityPolicy { AllowedNodeKeys = updated.Keys });
        var expected = new List<string>();
        if (added.Length > 0)
        {
            expected.Add($"ALLOWED_NODE_KEYS: added {TestKeys.Hex(int.Parse(added))}");
        }
        if (removed.Length > 0)
        {
            expected.Add($"ALLOWED_NODE_KEYS: removed {TestKeys.Hex(int.Parse(removed))}");
        }
        Assert.Equal(expected, changes);
    }

    [Fact]
    public void Update_OneCopyOfADuplicatedKeyRemoved_KeepsTheKey()
    {
        // Listed twice from the start: the list is known to have duplicates.
        var previous = KeyListParse.Parse(Value("1,2,3,4,5,6,7,8,9,1"), NoErrors)!;

        var updated = KeyListParse.Update(previous, Value("2,3,4,5,6,7,8,9,1"), NoErrors)!;

        Assert.True(updated.Keys.Contains(TestKeys.Key(1)));
        AssertSameAsScratch(updated, Value("2,3,4,5,6,7,8,9,1"));
    }

    [Fact]
    public void Update_DuplicateAddedByAPatchThenOneCopyRemoved_KeepsTheKey()
    {
        var previous = KeyListParse.Parse(Value("1,2,3,4,5,6,7,8,9"), NoErrors)!;
        // The duplicate comes in through a patch of the set ...
        var doubled = KeyListParse.Update(previous, Value("1,2,3,4,5,6,7,8,9,1"), NoErrors)!;
        Assert.True(doubled.Keys.IsDerivedFrom(previous.Keys));

        // ... and the next edit removes the first copy: the second one still names the key.
        var updated = KeyListParse.Update(doubled, Value("2,3,4,5,6,7,8,9,1"), NoErrors)!;

        Assert.True(updated.Keys.Contains(TestKeys.Key(1)));
        AssertSameAsScratch(updated, Value("2,3,4,5,6,7,8,9,1"));
    }

    [Fact]
    public void Update_BadKeyInTheChangedStretch_IsReportedOnItsLine()
    {
        var previous = KeyListParse.Parse($"\n{TestKeys.Hex(1)}\n{TestKeys.Hex(2)}\n{TestKeys.Hex(3)}\n", NoErrors)!;
        var errors = new List<(string Entry, int Line)>();
        var bad = TestKeys.Hex(2)[..63] + "g";

        var updated = KeyListParse.Update(previous, $"\n{TestKeys.Hex(1)}\n{bad}\n{TestKeys.Hex(3)}\n", (entry, _, line) => errors.Add((entry, line)));

        Assert.Null(updated);
        Assert.Equal([(bad, 2)], errors);
    }

    [Fact]
    public void Update_RandomEditsOfALongList_AlwaysEqualAParseFromScratch()
    {
        var random = new Random(9);
        // Distinct at first; later keys from a space barely larger than the list, so that duplicates come and go.
        var entries = Enumerable.Range(0, 2_000).ToList();
        var patched = 0;
        var rebuilt = 0;
        var separator = random.Next(2) == 0 ? "\n  " : ", ";
        var current = KeyListParse.Parse(Join(entries, separator), NoErrors)!;
        for (var round = 0; round < 300; round++)
        {
            // Mostly one edit: edits far apart make one long stretch, which is rebuilt rather than patched.
            var edits = random.Next(4) == 0 ? 2 : 1;
            for (var e = 0; e < edits; e++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        entries.Insert(random.Next(entries.Count + 1), random.Next(2_100));
                        break;
                    case 1 when entries.Count > 1:
                        entries.RemoveAt(random.Next(entries.Count));
                        break;
                    default:
                        entries[random.Next(entries.Count)] = random.Next(2_100);
                        break;
                }
            }
            var value = Join(entries, separator);

            var updated = KeyListParse.Update(current, value, NoErrors)!;

            AssertSameAsScratch(updated, value);
            if (!updated.Keys.IsDerivedFrom(current.Keys))
            {
                rebuilt++;
            }
            else
            {
                patched++;
                Assert.Equal(updated.Keys.Except(current.Keys).ToHashSet(), updated.Keys.Added.ToHashSet());
                Assert.Equal(current.Keys.Except(updated.Keys).ToHashSet(), updated.Keys.Removed.ToHashSet());
            }
            current = updated;
        }
        Assert.True(patched > 0 && rebuilt > 0, $"{patched} patched, {rebuilt} rebuilt: both paths were to be taken");
    }

    [Fact]
    public void Update_RandomEditsOfAListWithoutDuplicates_ArePatched()
    {
        var random = new Random(7);
        var entries = Enumerable.Range(0, 2_000).ToList();
        var next = 2_000;
        var current = KeyListParse.Parse(Join(entries, "\n"), NoErrors)!;
        for (var round = 0; round < 200; round++)
        {
            if (random.Next(2) == 0)
            {
                entries.RemoveAt(random.Next(entries.Count));
            }
            else
            {
                entries.Insert(random.Next(entries.Count + 1), next++);
            }
            var value = Join(entries, "\n");

            var updated = KeyListParse.Update(current, value, NoErrors)!;

            Assert.True(updated.Keys.IsDerivedFrom(current.Keys), $"round {round} rebuilt the set");
            AssertSameAsScratch(updated, value);
            current = updated;
        }
    }

    /// <summary>
    /// A value of the keys named by number, then 40 more (so that a small edit is patched, not rebuilt); "4u" is key 4
    /// in upper case, "4:" key 4 with colons.
    /// </summary>
    private static string Value(string numbers) => "\n" + string.Join("\n", numbers.Split(',').Select(n => n switch
    {
        _ when n.EndsWith('u') => TestKeys.Hex(int.Parse(n[..^1])).ToUpperInvariant(),
        _ when n.EndsWith(':') => string.Join(':', TestKeys.Hex(int.Parse(n[..^1])).Chunk(2).Select(c => new string(c))),
        _ => TestKeys.Hex(int.Parse(n)),
    }).Concat(Enumerable.Range(1_000, 40).Select(TestKeys.Hex))) + "\n";

    /// <summary>The list written out; a new separator every round would change the whole value, so it is drawn once.</summary>
    private static string Join(List<int> entries, string separator) => string.Join(separator, entries.Select(TestKeys.Hex));

    private static void AssertSameAsScratch(KeyListParse updated, string value)
    {
        var scratch = KeyListParse.Parse(value, NoErrors)!;
        Assert.Equal(scratch.Keys.Count, updated.Keys.Count);
        Assert.True(scratch.Keys.SetEquals(updated.Keys));
        Assert.All(scratch.Keys, k => Assert.True(updated.Keys.Contains(k)));
    }
}
