using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// The handshake deadline counts from the accept gate, and bytes that arrive after it never reach TLS (both found
/// by the slow-clients harness, docs/RELIABILITY.md: under a burst, channels waited in the worker loop's queue).
/// </summary>
[Trait("Tier", "Pipeline")]
public sealed class HandshakeTimeoutHandlerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void Start_AcceptedLongerAgoThanTheTimeout_ClosesAtOnce()
    {
        var time = new FakeTimeProvider();
        var accepted = new AcceptedAt(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(3)); // the channel waited in a busy worker's queue

        var channel = new EmbeddedChannel(new HandshakeTimeoutHandler(Timeout, null, time, accepted));

        Assert.False(channel.Active);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_AfterTheDeadline_ClosesAndDoesNotPassTheBytesOn()
    {
        var time = new FakeTimeProvider();
        var channel = new EmbeddedChannel(new HandshakeTimeoutHandler(Timeout, null, time, new AcceptedAt(time.GetTimestamp())));
        time.Advance(TimeSpan.FromMilliseconds(2001));

        var bytes = Unpooled.WrappedBuffer(new byte[] { 0x16, 3, 1, 0, 5 });
        channel.WriteInbound(bytes);

        Assert.False(channel.Active);
        Assert.Null(channel.ReadInbound<object>());
        Assert.Equal(0, bytes.ReferenceCount);
        channel.FinishAndReleaseAll();
    }

    [Fact]
    public void Read_BeforeTheDeadline_PassesTheBytesOn()
    {
        var time = new FakeTimeProvider();
        var channel = new EmbeddedChannel(new HandshakeTimeoutHandler(Timeout, null, time, new AcceptedAt(time.GetTimestamp())));
        time.Advance(TimeSpan.FromMilliseconds(1999));

        channel.WriteInbound(Unpooled.WrappedBuffer(new byte[] { 0x16 }));

        Assert.True(channel.Active);
        var passed = channel.ReadInbound<IByteBuffer>();
        Assert.NotNull(passed);
        passed.Release();
        channel.FinishAndReleaseAll();
    }
}
