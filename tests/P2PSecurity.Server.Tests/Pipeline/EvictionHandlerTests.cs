using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels.Embedded;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>The eviction stage: the live re-check when it joins the pipeline, and an eviction told as a Refusal once TLS is up.</summary>
[Trait("Tier", "Pipeline")]
public sealed class EvictionHandlerTests : IDisposable
{
    private readonly PipelineFixture _fixture = new();

    [Fact]
    public void Added_LiveReCheckRefuses_ClosesWithoutAFrameBeforeTls()
    {
        _fixture.Gate.LiveDecision = SecurityDecision.Deny(DenyReason.IpBanned);
        var channel = new EmbeddedChannel(new EvictionHandler(_fixture.NewSlot(), _fixture.Gate));

        channel.RunPendingTasks();

        Assert.Equal(["live"], _fixture.Gate.Calls);
        Assert.False(channel.Active);
        Assert.Null(channel.ReadOutbound<object>()); // no TLS yet: nothing may be said in clear
    }

    [Fact]
    public void Added_LiveReCheckAllows_StaysOpen()
    {
        var channel = new EmbeddedChannel(new EvictionHandler(_fixture.NewSlot(), _fixture.Gate));

        channel.RunPendingTasks();

        Assert.Equal(["live"], _fixture.Gate.Calls);
        Assert.True(channel.Active);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Evicted_AfterTls_SendsTheRefusalAndCloses()
    {
        var channel = new EmbeddedChannel(new EvictionHandler(_fixture.NewSlot(), _fixture.Gate));
        channel.Pipeline.FireUserEventTriggered(TlsHandshakeCompletionEvent.Success);

        var (_, closed) = _fixture.Manager.EngageLockdown(new LockdownOptions());
        channel.RunPendingTasks();

        Assert.Equal(1, closed);
        Assert.Equal(DenyReason.Lockdown, channel.ReadOutbound<RefusalMessage>().Reason);
        Assert.False(channel.Active);
    }

    [Fact]
    public void Evicted_BeforeTls_ClosesWithoutAFrame()
    {
        var channel = new EmbeddedChannel(new EvictionHandler(_fixture.NewSlot(), _fixture.Gate));

        _fixture.Manager.EngageLockdown(new LockdownOptions());
        channel.RunPendingTasks();

        Assert.False(channel.Active);
        Assert.Null(channel.ReadOutbound<object>());
    }

    public void Dispose() => _fixture.Dispose();
}
