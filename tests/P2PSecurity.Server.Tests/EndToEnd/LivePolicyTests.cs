using System.Diagnostics;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>Live connections follow the policy file: edits apply without a restart, to new and live connections.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class LivePolicyTests : IDisposable
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Reload_BlockAddedWhileConnected_ClosesSessionWithinOneSecondAndRefusesNextConnection()
    {
        using var node = TestIdentities.Create();
        using var bystander = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.10");
        await using var other = await server.ConnectWelcomedAsync(bystander, "127.0.0.11");

        // The reload publishes its result (and logs it) after it has told the sessions to close, so on a busy
        // machine the client can see its close first: wait for the reload's own event, not for the close.
        var reloaded = new TaskCompletionSource<ReloadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Manager.PolicyChanged += (_, e) => reloaded.TrySetResult(e.Result);
        var clock = Stopwatch.StartNew();
        _folder.WriteEnv($"BLOCKED_NODE_KEYS={node.NodeKey}\n");
        var refusal = await client.ReceiveAsync<RefusalMessage>(TimeSpan.FromSeconds(3));
        var closed = await client.ReceiveWithinAsync(TimeSpan.FromSeconds(3));
        var elapsed = clock.Elapsed;
        var reload = await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        Assert.Equal(DenyReason.NodeBlocked, refusal.Reason);
        Assert.Null(closed);
        Assert.True(elapsed < OneSecond, $"session closed after {elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(1, reload.SessionsClosed);
        Assert.Equal(1, server.Manager.LastReload.SessionsClosed);
        Assert.Contains("sessions_closed=1", _folder.ReadLog(), StringComparison.Ordinal);
        // The other node stays.
        await other.SendAsync(new PingMessage([7]), TestContext.Current.CancellationToken);
        Assert.IsType<PongMessage>(await other.ReceiveWithinAsync());

        var (again, result) = await server.ConnectAsync(node, "127.0.0.10");
        await using var _ = again;
        Assert.Equal(DenyReason.NodeBlocked, result.Reason);
    }

    [Fact]
    public async Task Reload_AddressBlockedWhileConnected_ClosesThatAddressOnly()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.12");
        await using var other = await server.ConnectWelcomedAsync(node, "127.0.0.13");

        _folder.WriteEnv("BLOCKED_IP_ADDRESSES=127.0.0.12/32\n");

        Assert.Equal(DenyReason.IpBlocked, (await client.ReceiveAsync<RefusalMessage>(TimeSpan.FromSeconds(3))).Reason);
        Assert.Null(await client.ReceiveWithinAsync());
        await other.SendAsync(new PingMessage([]), TestContext.Current.CancellationToken);
        Assert.IsType<PongMessage>(await other.ReceiveWithinAsync());
    }

    [Fact]
    public async Task Reload_KeyRemovedFromAllowList_ClosesItsSession()
    {
        using var kept = TestIdentities.Create();
        using var dropped = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={kept.NodeKey},{dropped.NodeKey}\n");
        await using var client = await server.ConnectWelcomedAsync(dropped, "127.0.0.14");

        _folder.WriteEnv($"ALLOWED_NODE_KEYS={kept.NodeKey}\n");

        Assert.Equal(DenyReason.NodeNotAllowed, (await client.ReceiveAsync<RefusalMessage>(TimeSpan.FromSeconds(3))).Reason);
    }

    [Fact]
    public async Task Reload_EvictionTurnedOff_LeavesLiveSessionAlone()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "EVICT_ON_POLICY_CHANGE=false\n");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.15");

        _folder.WriteEnv($"EVICT_ON_POLICY_CHANGE=false\nBLOCKED_NODE_KEYS={node.NodeKey}\n");
        await Wait.UntilAsync(() => server.Manager.Policy.BlockedNodeKeys.Contains(node.NodeKey), "the reload");

        await client.SendAsync(new PingMessage([1]), TestContext.Current.CancellationToken);
        Assert.IsType<PongMessage>(await client.ReceiveWithinAsync());
        Assert.Equal(0, server.Manager.LastReload.SessionsClosed);
        var (again, result) = await server.ConnectAsync(node, "127.0.0.15");
        await using var _ = again;
        Assert.Equal(DenyReason.NodeBlocked, result.Reason);
    }

    [Fact]
    public async Task Reload_FileReplacedByRename_IsAppliedAtTheVeryNextConnection()
    {
        using var node = TestIdentities.Create();
        // No periodic check: only the accept gate's CheckConfigReload can notice the edit.
        await using var server = await TestServer.StartAsync(_folder, "", pollInterval: TimeSpan.Zero);
        await using var before = await server.ConnectWelcomedAsync(node, "127.0.0.16");
        var revision = server.Manager.Policy.Revision;

        _folder.ReplaceEnv("BLOCKED_IP_ADDRESSES=127.0.0.16\n");
        await using var raw = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.16");
        var (bytes, _) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(0, bytes);
        Assert.Equal(revision + 1, server.Manager.Policy.Revision);
        // The connection that found the edit is decided as soon as the new policy is in force, before the reload
        // finishes its eviction pass and records its result: wait (bounded) for the record.
        await Wait.UntilAsync(() => server.Manager.LastReload.Revision == revision + 1, "the reload's result to be recorded");
        Assert.Equal("connection", server.Manager.LastReload.Trigger);
    }

    [Fact]
    public async Task Reload_FileEditedInPlace_IsAppliedAtTheFirstConnectionAfterTheWriteSettles()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "", pollInterval: TimeSpan.Zero);
        await using var before = await server.ConnectWelcomedAsync(node, "127.0.0.18");
        var revision = server.Manager.Policy.Revision;

        _folder.WriteEnv("BLOCKED_IP_ADDRESSES=127.0.0.18\n");
        // The in-place write is read once it has been still for 100 ms (a writer may be between two write calls).
        await Task.Delay(TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken);
        await using var raw = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.18");
        var (bytes, _) = await raw.WaitForCloseAsync(TimeSpan.FromSeconds(2));

        Assert.Equal(0, bytes);
        Assert.Equal(revision + 1, server.Manager.Policy.Revision);
        // The connection that found the edit is decided as soon as the new policy is in force, before the reload
        // finishes its eviction pass and records its result: wait (bounded) for the record.
        await Wait.UntilAsync(() => server.Manager.LastReload.Revision == revision + 1, "the reload's result to be recorded");
        Assert.Equal("connection", server.Manager.LastReload.Trigger);
    }

    [Fact]
    public async Task Reload_LoweredMessageRate_AppliesToLiveSession()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MESSAGE_RATE_LIMIT=1000/min\n");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.17");

        _folder.WriteEnv("MESSAGE_RATE_LIMIT=0/min\n");
        await Wait.UntilAsync(() => server.Manager.Policy.MessageRateLimit.Count == 0, "the reload");
        await client.SendAsync(new PingMessage([1]), TestContext.Current.CancellationToken);

        var dropped = await client.ReceiveAsync<DroppedMessage>();
        Assert.Equal(DenyReason.MessageRateExceeded, dropped.Reason);
        Assert.Equal(MessageType.Ping, dropped.DroppedType);
    }

    public void Dispose() => _folder.Dispose();
}
