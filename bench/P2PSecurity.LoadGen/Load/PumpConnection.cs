using P2PSecurity.Core.Protocol;

namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// One welcomed connection pumping pings. Pings go out in batches (one TLS write per batch, so that the client is
/// cheap and the server is the bottleneck) with a bounded number in flight; the server answers each with a Pong.
/// A round ends with a marker (a Ping with no data): its Pong, which comes after every earlier answer on the
/// connection, says that the round's answers are all in.
/// </summary>
internal sealed class PumpConnection(NodeClient client)
{
    private static readonly byte[] s_marker = MessageCodec.EncodeFrame(new PingMessage([]));

    private long _sent;
    private long _received;
    private long _dropped;

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Dropped notices from the server (its limiter refused a message).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <param name="batch">The batch's frames, encoded once.</param>
    /// <param name="limit">Pings to send this round; null sends until <paramref name="stopSending"/>.</param>
    public async Task RunRoundAsync(ReadOnlyMemory<byte> batch, int batchSize, int window, long? limit, CancellationToken stopSending, CancellationToken ct)
    {
        using var credits = new SemaphoreSlim(Math.Max(1, window / batchSize));
        var receiving = ReceiveUntilMarkerAsync(credits, batchSize, ct);
        try
        {
            for (long sent = 0; limit is not { } n || sent < n; sent += batchSize)
            {
                try
                {
                    await credits.WaitAsync(stopSending).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopSending.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    break; // the round is over
                }
                await client.SendRawAsync(batch, ct).ConfigureAwait(false);
                Interlocked.Add(ref _sent, batchSize);
            }
            await client.SendRawAsync(s_marker, ct).ConfigureAwait(false);
        }
        finally
        {
            // The receiver holds the credits; it ends at the marker's answer or when the connection fails.
            await receiving.ConfigureAwait(false);
        }
    }

    private async Task ReceiveUntilMarkerAsync(SemaphoreSlim credits, int batchSize, CancellationToken ct)
    {
        var answered = 0;
        while (true)
        {
            switch (await client.ReceiveAsync(ct).ConfigureAwait(false))
            {
                case PongMessage { Data.Length: 0 }:
                    return;
                case PongMessage:
                    Interlocked.Increment(ref _received);
                    if (++answered == batchSize)
                    {
                        answered = 0;
                        credits.Release();
                    }
                    break;
                case DroppedMessage:
                    Interlocked.Increment(ref _dropped);
                    break;
                case null:
                    throw new IOException("the server closed a pumping connection");
                case var other:
                    throw new InvalidDataException($"unexpected {other.Type} on a pumping connection");
            }
        }
    }
}
