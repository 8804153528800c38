using System.Net;
using System.Text;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// The accept gate on an embedded server channel, with accepted children that carry real addresses, against a real
/// policy file of 100,000 blocked addresses: what it decides while that file is being reloaded.
/// </summary>
[Trait("Tier", "Pipeline")]
public sealed class AcceptGateHandlerTests : IDisposable
{
    private const string Blocked = "127.0.0.99";
    private readonly PolicyFolder _folder = new();

    [Fact]
    public async Task Accept_BlockedAddressWhileA100000EntryReloadRuns_IsRefusedWithoutWaitingForIt()
    {
        using var manager = Start(LargePolicy(extra: ""));
        var server = new EmbeddedChannel(new AcceptGateHandler(manager, TimeProvider.System));
        _folder.ReplaceEnv(LargePolicy(extra: "127.0.0.98"));

        var first = new AcceptedChild("127.0.0.5");
        server.WriteInbound(first); // finds the change: the reload starts on a worker
        var blocked = new AcceptedChild(Blocked);
        server.WriteInbound(blocked);

        // Refused on the policy in force, while the reload of the new file has not finished.
        Assert.False(blocked.Active);
        Assert.Equal(1, manager.Policy.Revision);
        Assert.True(first.Active);
        Assert.Null(server.ReadInbound<IChannel>());

        await Wait.UntilAsync(() => !manager.BackgroundReloadRunning, "the reload to finish");
        await Wait.UntilAsync(() => { server.RunPendingTasks(); return server.InboundMessages.Count > 0; }, "the first connection to be decided");
        Assert.Same(first, server.ReadInbound<IChannel>());
        Assert.Equal(2, manager.Policy.Revision);
        Assert.NotNull(first.GetAttribute(ChannelAttributes.Slot).Get());
        server.FinishAndReleaseAll();
    }

    [Fact]
    public async Task Accept_ConnectionThatFindsTheEdit_IsDecidedOnTheNewPolicy()
    {
        using var manager = Start(LargePolicy(extra: ""));
        var server = new EmbeddedChannel(new AcceptGateHandler(manager, TimeProvider.System));
        _folder.ReplaceEnv(LargePolicy(extra: "127.0.0.5"));

        var now = new AcceptedChild("127.0.0.5");
        server.WriteInbound(now);
        var during = new AcceptedChild("127.0.0.5"); // admitted by the old policy: waits for the new one
        server.WriteInbound(during);

        await Wait.UntilAsync(() => !manager.BackgroundReloadRunning, "the reload to finish");
        await Wait.UntilAsync(() => { server.RunPendingTasks(); return !now.Active && !during.Active; }, "both connections to be refused");
        Assert.Null(server.ReadInbound<IChannel>());
        Assert.Empty(manager.LiveConnections);
        server.FinishAndReleaseAll();
    }

    private SecurityManager Start(string policy)
    {
        _folder.WriteEnv(policy);
        var manager = SecurityManager.Create(_folder.EnvPath);
        return manager;
    }

    /// <summary>100,000 blocked addresses in 10.0.0.0/8, the blocked test address, and <paramref name="extra"/>.</summary>
    private static string LargePolicy(string extra)
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
        return text.Append("\"\nCONNECTION_RATE_LIMIT=1000/s\n").ToString();
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>A child as the listener hands it to the gate: not yet in a pipeline, with the peer's address.</summary>
    private sealed class AcceptedChild(string address) : EmbeddedChannel
    {
        private readonly IPEndPoint _remote = new(IPAddress.Parse(address), 40000);

        protected override EndPoint RemoteAddressInternal => _remote;
    }
}
