using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>
/// Reloads of long node-key lists reuse the previous parse and patch the previous set (<see cref="KeyListParse"/>);
/// the node gate must decide on the patched sets exactly as on sets built from scratch.
/// </summary>
public sealed class KeyListReloadTests
{
    private const int Listed = 2_000;

    [Fact]
    public void Reload_AllowedKeyRemovedFromALongList_IsRefused()
    {
        using var h = new ManagerHarness(Policy(Keys(0, Listed), []));
        var before = h.Manager.Policy.AllowedNodeKeys;

        var result = h.Apply(Policy(Keys(0, Listed).Where(n => n != 1_234), []));

        Assert.True(h.Manager.Policy.AllowedNodeKeys.IsDerivedFrom(before), "the set was patched");
        Assert.Equal(DenyReason.NodeNotAllowed, Decide(h, 1_234));
        Assert.Equal(DenyReason.None, Decide(h, 1_233));
        Assert.Equal(DenyReason.None, Decide(h, 1_235));
        Assert.Equal([$"ALLOWED_NODE_KEYS: removed {TestKeys.Hex(1_234)}"], result.Changes);
        AssertSameAsScratch(h);
    }

    [Fact]
    public void Reload_KeyMovedFromAllowedToBlocked_IsRefusedAsBlocked()
    {
        using var h = new ManagerHarness(Policy(Keys(0, Listed), Keys(Listed, Listed)));

        var result = h.Apply(Policy(Keys(0, Listed).Where(n => n != 700), [.. Keys(Listed, Listed), 700]));

        Assert.Equal(DenyReason.NodeBlocked, Decide(h, 700));
        Assert.Equal(DenyReason.NodeBlocked, Decide(h, Listed + 5));
        Assert.Equal(DenyReason.None, Decide(h, 701));
        Assert.Equal(
            [$"ALLOWED_NODE_KEYS: removed {TestKeys.Hex(700)}", $"BLOCKED_NODE_KEYS: blocked {TestKeys.Hex(700)}"],
            result.Changes);
        AssertSameAsScratch(h);
    }

    [Fact]
    public void Reload_BlockedKeyRemovedFromALongList_IsAllowedAgain()
    {
        using var h = new ManagerHarness(Policy([], Keys(0, Listed)));
        var before = h.Manager.Policy.BlockedNodeKeys;

        var result = h.Apply(Policy([], Keys(0, Listed).Where(n => n != 42)));

        Assert.True(h.Manager.Policy.BlockedNodeKeys.IsDerivedFrom(before), "the set was patched");
        Assert.Equal(DenyReason.None, Decide(h, 42));
        Assert.Equal(DenyReason.NodeBlocked, Decide(h, 43));
        Assert.Equal([$"BLOCKED_NODE_KEYS: unblocked {TestKeys.Hex(42)}"], result.Changes);
    }

    [Fact]
    public void Reload_LabelChanged_KeepsTheSameKeys()
    {
        var keys = Keys(0, Listed).ToList();
        using var h = new ManagerHarness($"# label {TestKeys.Hex(5)}: old name\n" + Policy(keys, []));
        var before = h.Manager.Policy.AllowedNodeKeys;

        var result = h.Apply($"# label {TestKeys.Hex(5)}: new name\n" + Policy(keys, []));

        Assert.Equal(ReloadOutcome.Applied, result.Outcome);
        Assert.Empty(result.Changes);
        Assert.Same(before, h.Manager.Policy.AllowedNodeKeys);
        Assert.Equal(DenyReason.None, Decide(h, 5));
        Assert.Equal(DenyReason.NodeNotAllowed, Decide(h, Listed + 1));
    }

    [Fact]
    public void Reload_OneCopyOfADuplicatedKeyRemoved_StaysAllowed()
    {
        var keys = Keys(0, Listed).ToList();
        using var h = new ManagerHarness(Policy([.. keys, 10], []));

        var result = h.Apply(Policy(keys.Where(n => n != 10).Append(10), []));

        Assert.Empty(result.Changes);
        Assert.Equal(DenyReason.None, Decide(h, 10));
        AssertSameAsScratch(h);

        // And once the last copy goes, so does the key.
        var again = h.Apply(Policy(keys.Where(n => n != 10), []));

        Assert.Equal([$"ALLOWED_NODE_KEYS: removed {TestKeys.Hex(10)}"], again.Changes);
        Assert.Equal(DenyReason.NodeNotAllowed, Decide(h, 10));
        AssertSameAsScratch(h);
    }

    [Fact]
    public void Reload_DuplicateAddedThenFirstCopyRemoved_StaysAllowed()
    {
        var keys = Keys(0, Listed).ToList();
        using var h = new ManagerHarness(Policy(keys, []));
        h.Apply(Policy([.. keys, 10], []));

        var result = h.Apply(Policy(keys.Where(n => n != 10).Append(10), []));

        Assert.Empty(result.Changes);
        Assert.Equal(DenyReason.None, Decide(h, 10));
        AssertSameAsScratch(h);
    }

    [Fact]
    public void Reload_ManyEditsInARow_AlwaysDecideAsAFileLoadedFromScratch()
    {
        var random = new Random(11);
        var allowed = Keys(0, Listed).ToList();
        var blocked = Keys(Listed, 200).ToList();
        using var h = new ManagerHarness(Policy(allowed, blocked));
        for (var round = 0; round < 25; round++)
        {
            var list = random.Next(3) == 0 ? blocked : allowed;
            switch (random.Next(3))
            {
                case 0:
                    list.Insert(random.Next(list.Count + 1), random.Next(Listed * 2));
                    break;
                case 1:
                    list.RemoveAt(random.Next(list.Count));
                    break;
                default:
                    list[random.Next(list.Count)] = random.Next(Listed * 2);
                    break;
            }

            Assert.Equal(ReloadOutcome.Applied, h.Apply(Policy(allowed, blocked)).Outcome);

            var scratch = AssertSameAsScratch(h);
            for (var n = 0; n < Listed * 2; n += 7)
            {
                Assert.Equal(Expected(scratch, n), Decide(h, n));
            }
        }
    }

    private static IEnumerable<int> Keys(int from, int count) => Enumerable.Range(from, count);

    private static string Policy(IEnumerable<int> allowed, IEnumerable<int> blocked)
    {
        var text = new System.Text.StringBuilder("MAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=1000000/s\n");
        List("ALLOWED_NODE_KEYS", allowed);
        List("BLOCKED_NODE_KEYS", blocked);
        return text.ToString();

        void List(string key, IEnumerable<int> keys)
        {
            var list = keys.ToList();
            if (list.Count > 0)
            {
                text.Append(key).Append("=\"\n");
                foreach (var n in list)
                {
                    text.Append("  ").Append(TestKeys.Hex(n)).Append('\n');
                }
                text.Append("\"\n");
            }
        }
    }

    private static DenyReason Decide(ManagerHarness h, int key)
    {
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("127.0.0.5")).Slot!;
        try
        {
            return h.Manager.EvaluateNode(slot, TestKeys.Key(key), networkKeyProven: true).Reason;
        }
        finally
        {
            slot.Release();
        }
    }

    private static DenyReason Expected(SecurityPolicy scratch, int key) =>
        scratch.BlockedNodeKeys.Contains(TestKeys.Key(key)) ? DenyReason.NodeBlocked
        : scratch.WhitelistMode && !scratch.AllowedNodeKeys.Contains(TestKeys.Key(key)) ? DenyReason.NodeNotAllowed
        : DenyReason.None;

    /// <summary>The policy in force has the sets a load of the same file from scratch gives; returns that load.</summary>
    private static SecurityPolicy AssertSameAsScratch(ManagerHarness h)
    {
        var scratch = PolicyLoader.Load(File.ReadAllText(h.PolicyPath), h.PolicyPath).Policy!;
        var inForce = h.Manager.Policy;
        Assert.True(scratch.AllowedNodeKeys.SetEquals(inForce.AllowedNodeKeys));
        Assert.True(scratch.BlockedNodeKeys.SetEquals(inForce.BlockedNodeKeys));
        Assert.Equal(scratch.AllowedNodeKeys.Count, inForce.AllowedNodeKeys.Count);
        Assert.Equal(scratch.BlockedNodeKeys.Count, inForce.BlockedNodeKeys.Count);
        return scratch;
    }
}
