using System.Net;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The message rate stage on an embedded channel, with time driven by hand.</summary>
[Trait("Tier", "Pipeline")]
public sealed class MessageRateHandlerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Read_OverLimit_DropsTellsOnceThenPerSecond()
    {
        var (manager, channel) = Create("MESSAGE_RATE_LIMIT=2/min\n");
        using var _ = manager;

        channel.WriteInbound(new PingMessage([1]), new PingMessage([2]), new PingMessage([3]), new PingMessage([4]));

        Assert.IsType<PingMessage>(channel.ReadInbound<object>());
        Assert.IsType<PingMessage>(channel.ReadInbound<object>());
        Assert.Null(channel.ReadInbound<object>());
        var notice = channel.ReadOutbound<DroppedMessage>();
        Assert.Equal(DenyReason.MessageRateExceeded, notice.Reason);
        Assert.Null(channel.ReadOutbound<object>()); // the second drop within a second is not told again

        _time.Advance(MessageFloodGuard.NoticeInterval);
        channel.WriteInbound(new PingMessage([5]));
        Assert.IsType<DroppedMessage>(channel.ReadOutbound<object>());
        Assert.True(channel.Active);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_PeerThatKeepsGoing_IsRefusedAndClosed()
    {
        var (manager, channel) = Create("MESSAGE_RATE_LIMIT=1/min\n");
        using var _ = manager;

        for (var i = 0; i <= MessageFloodGuard.DisconnectAfterDrops + 1; i++)
        {
            channel.WriteInbound(new PingMessage([]));
        }

        Assert.False(channel.Active);
        var messages = channel.OutboundMessages.ToList();
        Assert.Equal(DenyReason.MessageRateExceeded, Assert.IsType<RefusalMessage>(messages[^1]).Reason);
    }

    [Fact]
    public void Read_AfterThePeriod_TokensComeBack()
    {
        var (manager, channel) = Create("MESSAGE_RATE_LIMIT=1/min\n");
        using var _ = manager;
        channel.WriteInbound(new PingMessage([1]), new PingMessage([2]));
        Assert.IsType<PingMessage>(channel.ReadInbound<object>());
        Assert.Null(channel.ReadInbound<object>());

        _time.Advance(TimeSpan.FromMinutes(1));
        channel.WriteInbound(new PingMessage([3]));

        Assert.Equal([3], channel.ReadInbound<PingMessage>().Data);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_GoodbyeAtZeroRate_PassesUncounted()
    {
        var (manager, channel) = Create("MESSAGE_RATE_LIMIT=0/min\n");
        using var _ = manager;

        channel.WriteInbound(new GoodbyeMessage(GoodbyeReason.Leaving, ""));

        Assert.IsType<GoodbyeMessage>(channel.ReadInbound<object>());
        Assert.Empty(manager.RefusalCounts);
        channel.FinishAndReleaseAll();
    }

    private (SecurityManager Manager, EmbeddedChannel Channel) Create(string env)
    {
        _folder.WriteEnv(env);
        var manager = SecurityManager.Create(_folder.EnvPath, time: _time);
        var slot = manager.EvaluateAccept(IPAddress.Loopback).Slot!;
        return (manager, new EmbeddedChannel(new MessageRateHandler(manager.Gate, slot, new MessageFloodGuard(_time))));
    }

    public void Dispose() => _folder.Dispose();
}
