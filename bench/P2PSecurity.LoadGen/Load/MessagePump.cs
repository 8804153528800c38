using System.Diagnostics;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// Pings over many welcomed connections at once; one round measures the answers per second the server gets out.
/// After each round every connection is drained, so rounds do not overlap and the counts can be checked: every
/// ping sent has been answered, none was dropped.
/// </summary>
internal sealed class MessagePump(IReadOnlyList<NodeClient> clients, int batchSize = 16, int window = 64)
{
    /// <summary>How long a round's end may take to drain its answers before the round counts as failed.</summary>
    private static readonly TimeSpan s_drainBound = TimeSpan.FromSeconds(30);

    private readonly PumpConnection[] _connections = [.. clients.Select(c => new PumpConnection(c))];
    private readonly byte[] _batch = [.. Enumerable.Range(0, batchSize).SelectMany(i => MessageCodec.EncodeFrame(new PingMessage(BitConverter.GetBytes((long)i))))];

    public long Sent => _connections.Sum(c => c.Sent);

    public long Received => _connections.Sum(c => c.Received);

    public long Dropped => _connections.Sum(c => c.Dropped);

    public async Task<LoadResult> RunRoundAsync(RoundSpec spec, Func<CancellationToken, Task<TimeSpan>> serverCpu, CancellationToken ct)
    {
        var (sentBefore, receivedBefore, droppedBefore) = (Sent, Received, Dropped);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long? perConnection = spec.Count is { } n ? RoundUp((n + _connections.Length - 1) / _connections.Length) : null;
        TimeSpan cpuStart;
        long windowStart;
        var clock = new Stopwatch();
        if (perConnection is not null)
        {
            deadline.CancelAfter(s_drainBound);
            cpuStart = await serverCpu(ct).ConfigureAwait(false);
            windowStart = Received;
            clock.Start();
        }
        else
        {
            cpuStart = TimeSpan.Zero;
            windowStart = 0;
        }
        var rounds = _connections.Select(c => Task.Run(() => c.RunRoundAsync(_batch, batchSize, window, perConnection, stopSending.Token, deadline.Token), ct)).ToArray();
        var all = Task.WhenAll(rounds);
        if (perConnection is null)
        {
            await Task.WhenAny(Task.Delay(spec.Ramp, ct), all).ConfigureAwait(false);
            cpuStart = await serverCpu(ct).ConfigureAwait(false);
            windowStart = Received;
            clock.Start();
            await Task.WhenAny(Task.Delay(spec.Window, ct), all).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAny(all).ConfigureAwait(false);
        }
        var windowEnd = Received;
        clock.Stop();
        var cpuEnd = await serverCpu(ct).ConfigureAwait(false);
        await stopSending.CancelAsync().ConfigureAwait(false);
        deadline.CancelAfter(s_drainBound);
        string? error = null;
        try
        {
            await all.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var first = all.Exception?.InnerExceptions[0] ?? ex;
            error = $"{first.GetType().Name}: {first.Message}";
        }
        var (sent, received, dropped) = (Sent - sentBefore, Received - receivedBefore, Dropped - droppedBefore);
        if (error is null && (sent != received || dropped != 0))
        {
            error = $"{sent:N0} pings sent, {received:N0} answered, {dropped:N0} dropped notices";
        }
        var failures = rounds.Count(r => r.IsFaulted || r.IsCanceled) + dropped + (error is null ? 0 : 1);
        return new LoadResult(windowEnd - windowStart, received, failures, error, clock.Elapsed, cpuEnd - cpuStart);
    }

    private long RoundUp(long count) => (count + batchSize - 1) / batchSize * batchSize;
}
