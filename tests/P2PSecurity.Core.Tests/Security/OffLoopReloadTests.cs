using System.Net;
using System.Text;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

/// <summary>
/// <see cref="SecurityManager.OnNewConnectionAsync"/>: the reload a connection's check finds runs off the caller's
/// thread; the connection that found it and those that arrive meanwhile are decided on the new policy, in arrival
/// order, except blocked addresses, which are refused at once on the policy in force.
/// </summary>
public sealed class OffLoopReloadTests
{
    private const string Blocked = "127.0.0.99";

    [Fact]
    public async Task OnNewConnectionAsync_NothingChanged_CompletesAtOnce()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=3\n");

        var pending = h.Manager.OnNewConnectionAsync(IPAddress.Parse("127.0.0.5"));

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.True((await pending).Allowed);
        Assert.False(h.Manager.BackgroundReloadRunning);
    }

    [Fact]
    public async Task OnNewConnectionAsync_EditUnblocksTheAddress_TheConnectionThatFindsTheEditIsAdmitted()
    {
        // "An edit applies at the very next connection": even one the old policy refuses waits for the new one.
        using var h = new ManagerHarness(LargePolicy(extra: "127.0.0.5"));
        Replace(h, LargePolicy(extra: ""));

        var next = h.Manager.OnNewConnectionAsync(IPAddress.Parse("127.0.0.5"));
        var result = await next.AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(result.Allowed);
        Assert.Equal(2, h.Manager.Policy.Revision);
        Assert.Equal(0, h.Manager.RefusalCounts.GetValueOrDefault(DenyReason.IpBlocked));
    }

    [Fact]
    public async Task OnNewConnectionAsync_BlockedAddressWhileA100000EntryReloadRuns_IsRefusedWithoutWaiting()
    {
        using var h = new ManagerHarness(LargePolicy(extra: ""));
        Replace(h, LargePolicy(extra: "127.0.0.5"));

        var first = h.Manager.OnNewConnectionAsync(IPAddress.Parse("127.0.0.5"));
        var blocked = h.Manager.OnNewConnectionAsync(IPAddress.Parse(Blocked));
        var other = h.Manager.OnNewConnectionAsync(IPAddress.Parse("127.0.0.5"));

        var revisionWhenRefused = h.Manager.Policy.Revision;
        Assert.True(blocked.IsCompletedSuccessfully);
        Assert.Equal(1, revisionWhenRefused); // the reload had not finished
        Assert.Equal(DenyReason.IpBlocked, (await blocked).Decision.Reason);
        Assert.False(first.IsCompleted);
        Assert.False(other.IsCompleted);
        // Both were admitted by the old policy; the new one, in force when they are decided, blocks them.
        Assert.Equal(DenyReason.IpBlocked, (await first.AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Decision.Reason);
        Assert.Equal(DenyReason.IpBlocked, (await other.AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Decision.Reason);
        Assert.Empty(h.Manager.LiveConnections);
    }

    [Fact]
    public async Task OnNewConnectionAsync_ConnectionsWaitingForAReload_AreDecidedInArrivalOrder()
    {
        using var h = new ManagerHarness(LargePolicy(extra: "", rate: "10/min"));
        Replace(h, LargePolicy(extra: "127.0.0.98", rate: "10/min"));

        var pending = Enumerable.Range(0, 30).Select(_ => h.Manager.OnNewConnectionAsync(IPAddress.Parse("127.0.0.5")).AsTask()).ToList();
        var results = await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // The rate (10 a minute, the fake clock stands still) admits exactly the first ten to arrive.
        Assert.All(results.Take(10), r => Assert.True(r.Allowed));
        Assert.All(results.Skip(10), r => Assert.Equal(DenyReason.ConnectionRateExceeded, r.Decision.Reason));
        Assert.Equal(2, h.Manager.Policy.Revision);
    }

    [Fact]
    public async Task OnNewConnectionAsync_InvalidEdit_WaitingConnectionsAreDecidedOnThePolicyInForce()
    {
        using var h = new ManagerHarness(LargePolicy(extra: "127.0.0.5"));
        Replace(h, LargePolicy(extra: "300.1.1.1"));

        var result = await h.Manager.OnNewConnectionAsync(IPAddress.Parse("127.0.0.5")).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(DenyReason.IpBlocked, result.Decision.Reason);
        Assert.Equal(ReloadOutcome.Invalid, h.Manager.LastReload.Outcome);
        Assert.Equal(1, h.Manager.Policy.Revision);
    }

    private static void Replace(ManagerHarness h, string text) =>
        File.Move(h.Directory.Write(".env.new", text), h.PolicyPath, overwrite: true);

    /// <summary>100,000 blocked addresses in 10.0.0.0/8, the blocked test address, and <paramref name="extra"/>.</summary>
    private static string LargePolicy(string extra, string rate = "1000/s")
    {
        var text = new StringBuilder("BLOCKED_IP_ADDRESSES=\"").Append(Blocked).Append('\n');
        if (extra.Length > 0)
        {
            text.Append(extra).Append('\n');
        }
        for (var i = 0; i < 100_000; i++)
        {
            text.Append("10.").Append(i >> 16).Append('.').Append((i >> 8) & 255).Append('.').Append(i & 255).Append('\n');
        }
        return text.Append("\"\nMAX_CONNECTIONS_PER_IP=100\nCONNECTION_RATE_LIMIT=").Append(rate).Append('\n').ToString();
    }
}
