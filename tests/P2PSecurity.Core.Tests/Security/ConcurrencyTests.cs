using System.Collections.Concurrent;
using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

public sealed class ConcurrencyTests
{
    /// <summary>
    /// Two policies swap the roles of two keys: A allows key 1 and blocks key 2, B the other way round. Within either
    /// snapshot key 1 and key 2 are each allowed or blocked and key 3 is never allowed; a decision that read the block
    /// list of one policy and the allow list of the other would answer "not allowed" for key 1 or 2. A thousand
    /// decisions, each also running the reload check, race a writer that replaces the file and reloads 40 times.
    /// </summary>
    [Fact]
    public async Task Decisions_DuringRepeatedReloads_NeverSeeHalfAPolicy()
    {
        var policyA = Policy(allowed: 1, blocked: 2, maxConnections: 101);
        var policyB = Policy(allowed: 2, blocked: 1, maxConnections: 102);
        using var h = new ManagerHarness(policyA);
        var outcomes = new ConcurrentDictionary<(int Key, DenyReason Reason), int>();
        var revisionsSeen = new ConcurrentDictionary<long, bool>();
        using var stop = new CancellationTokenSource();

        var reloader = Task.Run(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                // Replace by rename, as editors and the tools do, so that every read sees a whole file.
                var temp = h.Directory.Write(".env.tmp", i % 2 == 0 ? policyB : policyA);
                File.Move(temp, h.PolicyPath, overwrite: true);
                var result = h.Manager.Reload("test");
                Assert.True(result.Succeeded, result.Outcome.ToString()); // Unchanged when a connection's check applied it first
            }
        }, TestContext.Current.CancellationToken);

        var deciders = Enumerable.Range(0, 1000).Select(i => Task.Run(() =>
        {
            var remote = new IPAddress([127, 0, (byte)(i / 250), (byte)(i % 250 + 1)]);
            var key = (i % 3) + 1;
            do
            {
                var snapshot = h.Manager.Policy;
                var isA = snapshot.MaxConnectionsPerIp == 101;
                Assert.True(isA || snapshot.MaxConnectionsPerIp == 102);
                Assert.Contains(TestKeys.Key(isA ? 1 : 2), (IReadOnlySet<P2PSecurity.Core.Policy.NodeKey>)snapshot.AllowedNodeKeys);
                Assert.Contains(TestKeys.Key(isA ? 2 : 1), (IReadOnlySet<P2PSecurity.Core.Policy.NodeKey>)snapshot.BlockedNodeKeys);
                revisionsSeen.TryAdd(snapshot.Revision, true);

                var accept = h.Manager.OnNewConnection(remote);
                Assert.True(accept.Allowed, accept.Decision.ToString());
                var decision = h.Manager.EvaluateNode(accept.Slot!, TestKeys.Key(key), networkKeyProven: true);
                outcomes.AddOrUpdate((key, decision.Reason), 1, (_, n) => n + 1);
                accept.Slot!.Release();
            }
            while (!reloader.IsCompleted);
        }, TestContext.Current.CancellationToken)).ToList();

        await reloader;
        await Task.WhenAll(deciders);

        Assert.Equal(41, h.Manager.Policy.Revision);
        // The deciders must have raced the reloads, or the test proved nothing: they saw several revisions.
        Assert.True(revisionsSeen.Count >= 2, $"decisions saw only revision(s) {string.Join(",", revisionsSeen.Keys)}");
        foreach (var ((key, reason), count) in outcomes)
        {
            var possible = key == 3 ? [DenyReason.NodeNotAllowed] : new[] { DenyReason.None, DenyReason.NodeBlocked };
            Assert.True(possible.Contains(reason), $"key {key} got {reason} {count} times");
        }
        Assert.Empty(h.Manager.LiveConnections);
    }

    [Fact]
    public void Accept_ManyThreadsOneAddress_NeverExceedsTheLimit()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=5\nCONNECTION_RATE_LIMIT=1000000/s\n");
        var ip = IPAddress.Parse("10.9.9.9");

        for (var round = 0; round < 20; round++)
        {
            // Every thread keeps what it got, so a race that let a sixth connection in would show in the count.
            var held = new ConcurrentBag<ConnectionSlot>();
            Parallel.For(0, 1_000, _ =>
            {
                var result = h.Manager.EvaluateAccept(ip);
                if (result.Slot is { } slot)
                {
                    held.Add(slot);
                }
                else
                {
                    Assert.Equal(DenyReason.TooManyConnectionsFromIp, result.Decision.Reason);
                }
            });

            Assert.Equal(5, held.Count);
            Parallel.ForEach(held, slot => slot.Release());
            Assert.Empty(h.Manager.LiveConnections);
        }
        Assert.True(h.Manager.EvaluateAccept(ip).Allowed);
    }

    private static string Policy(int allowed, int blocked, int maxConnections) =>
        $"ALLOWED_NODE_KEYS={TestKeys.Hex(allowed)}\nBLOCKED_NODE_KEYS={TestKeys.Hex(blocked)}\n" +
        $"MAX_CONNECTIONS_PER_IP={maxConnections}\nCONNECTION_RATE_LIMIT=1000000/s\n";
}
