using System.Buffers.Binary;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>Slow, silent and hostile peers: handshake timeout, frame limits, malformed messages, message rate.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class StreamHygieneTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Handshake_SilentClient_ClosedAfterTimeoutAndSlotReleased()
    {
        await using var server = await TestServer.StartAsync(_folder, "HANDSHAKE_TIMEOUT=500ms\n");
        await using var silent = await RawConnection.ConnectAsync(server.EndPoint, "127.0.0.20");
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 1, "the connection to be admitted");

        var (bytes, elapsed) = await silent.WaitForCloseAsync(TimeSpan.FromSeconds(8));

        Assert.Equal(0, bytes);
        // Not before the deadline; the upper bound leaves room for a loaded CI machine's timer and scheduler.
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 0, "the slot to be released");
    }

    [Fact]
    public async Task Handshake_ClientThatCompletesTlsButNeverSaysHello_ClosedAfterTimeout()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "HANDSHAKE_TIMEOUT=2s\n");
        await using var client = await NodeClient.ConnectAsync(server.Options(node), TestContext.Current.CancellationToken);

        Assert.IsType<ServerHelloMessage>(await client.ReceiveWithinAsync());
        Assert.Null(await client.ReceiveWithinAsync(TimeSpan.FromSeconds(8)));
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 0, "the slot to be released");
    }

    [Fact]
    public async Task Handshake_WelcomedSession_IsNotClosedByTheTimeout()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "HANDSHAKE_TIMEOUT=2s\n");
        await using var client = await server.ConnectWelcomedAsync(node);
        var timeout = server.Manager.Policy.HandshakeTimeout;

        await Task.Delay(timeout * 2, TestContext.Current.CancellationToken);
        await client.SendAsync(new PingMessage([9]), TestContext.Current.CancellationToken);

        Assert.IsType<PongMessage>(await client.ReceiveWithinAsync());
    }

    [Theory]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(0xFFFF_FFFFu)]
    [InlineData(1024u * 1024 + 1)]
    [InlineData(0u)]
    public async Task Framing_DeclaredLengthOutOfRange_RefusedAndClosed(uint declared)
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MAX_FRAME_SIZE=1MiB\n");
        await using var client = await server.ConnectWelcomedAsync(node);
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, declared);

        await client.SendRawAsync(prefix, TestContext.Current.CancellationToken);

        var refusal = await client.ReceiveAsync<RefusalMessage>();
        Assert.Equal(DenyReason.ProtocolViolation, refusal.Reason);
        Assert.Null(await client.ReceiveWithinAsync());
    }

    [Fact]
    public async Task Framing_WelcomedNodeStallsInTheMiddleOfAFrame_RefusedAfterFrameTimeoutAndSlotReleased()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "FRAME_TIMEOUT=1s\nMAX_FRAME_SIZE=1MiB\n");
        await using var client = await server.ConnectWelcomedAsync(node);
        // Declares 512 KiB and sends 64 KiB of it: the server would hold the buffer for as long as the peer waits.
        var start = new byte[4 + (64 * 1024)];
        BinaryPrimitives.WriteUInt32BigEndian(start, 512 * 1024);
        start[4] = (byte)MessageType.Ping;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await client.SendRawAsync(start, TestContext.Current.CancellationToken);

        var refusal = await client.ReceiveAsync<RefusalMessage>();
        Assert.Equal(DenyReason.ProtocolViolation, refusal.Reason);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"refused after {clock.Elapsed}, before FRAME_TIMEOUT");
        Assert.Null(await client.ReceiveWithinAsync());
        await Wait.UntilAsync(() => server.Manager.LiveConnections.Count == 0, "the slot to be released");
        // The operator is told why: the session's close line names the unfinished frame.
        await Wait.UntilAsync(() => _folder.ReadLog().Contains("protocol_violation (frame not completed within 1 s (65540 bytes of it received))", StringComparison.Ordinal),
            "the session_closed line with the reason");
    }

    [Fact]
    public async Task Framing_FrameSentSlowlyButWithinFrameTimeout_IsAnswered()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "FRAME_TIMEOUT=5s\n");
        await using var client = await server.ConnectWelcomedAsync(node);
        var frame = new byte[4 + 4];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 4);
        frame[4] = (byte)MessageType.Ping;

        // Three pieces, 400 ms apart: slow, but whole well within the 5 s (with room for a loaded machine).
        foreach (var (offset, count) in new[] { (0, 3), (3, 3), (6, 2) })
        {
            await client.SendRawAsync(frame.AsMemory(offset, count), TestContext.Current.CancellationToken);
            await Task.Delay(400, TestContext.Current.CancellationToken);
        }

        Assert.Equal(3, (await client.ReceiveAsync<PongMessage>()).Data.Length);
    }

    [Fact]
    public async Task Framing_FrameAtTheLimit_IsAccepted()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MAX_FRAME_SIZE=64KiB\n");
        await using var client = await server.ConnectWelcomedAsync(node);

        // Type byte + data = exactly the limit.
        await client.SendAsync(new PingMessage(new byte[(64 * 1024) - 1]), TestContext.Current.CancellationToken);

        Assert.Equal((64 * 1024) - 1, (await client.ReceiveAsync<PongMessage>()).Data.Length);
    }

    [Theory]
    [InlineData(new byte[] { 0x7E })]
    [InlineData(new byte[] { 0x20, 0x00 })]
    [InlineData(new byte[] { 0x02, 0x01, 0x00 })]
    public async Task Session_MalformedOrUnexpectedMessage_RefusedAsProtocolViolation(byte[] body)
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "");
        await using var client = await server.ConnectWelcomedAsync(node);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);

        await client.SendRawAsync(frame, TestContext.Current.CancellationToken);

        Assert.Equal(DenyReason.ProtocolViolation, (await client.ReceiveAsync<RefusalMessage>()).Reason);
        Assert.Null(await client.ReceiveWithinAsync());
    }

    [Fact]
    public async Task MessageRate_OverLimit_DroppedWithOneNoticeThenDisconnected()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MESSAGE_RATE_LIMIT=5/min\n");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.21");

        for (var i = 0; i < 6; i++)
        {
            await client.SendAsync(new PingMessage([(byte)i]), TestContext.Current.CancellationToken);
        }
        var answers = new List<NodeMessage>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add((await client.ReceiveWithinAsync())!);
        }

        Assert.Equal(5, answers.OfType<PongMessage>().Count());
        var dropped = Assert.Single(answers.OfType<DroppedMessage>());
        Assert.Equal(DenyReason.MessageRateExceeded, dropped.Reason);

        // A peer that keeps going after being told is disconnected with the reason.
        for (var i = 0; i < MessageFloodGuard.DisconnectAfterDrops; i++)
        {
            await client.SendAsync(new PingMessage([]), TestContext.Current.CancellationToken);
        }
        var rest = await client.ReceiveUntilClosedAsync();
        Assert.Equal(DenyReason.MessageRateExceeded, Assert.IsType<RefusalMessage>(rest[^1]).Reason);
        Assert.DoesNotContain(rest, m => m is PongMessage);
    }

    [Fact]
    public async Task MessageRate_Goodbye_IsNeverCountedAndCloses()
    {
        using var node = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, "MESSAGE_RATE_LIMIT=0/min\n");
        await using var client = await server.ConnectWelcomedAsync(node, "127.0.0.22");

        await client.SendAsync(new GoodbyeMessage(GoodbyeReason.Leaving, "bye"), TestContext.Current.CancellationToken);

        Assert.Null(await client.ReceiveWithinAsync());
        Assert.Equal(0, server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.MessageRateExceeded));
    }

    public void Dispose() => _folder.Dispose();
}
