using System.Diagnostics;

namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// Runs one operation (connect and be refused, connect and handshake) from many concurrent workers for one round.
/// Completions are counted inside the measured window; the server's CPU clock is read at the window's edges.
/// A round with too many failures stops early: the figure is then reported as failed, not slow.
/// </summary>
internal static class LoadLoop
{
    private const int FailureLimit = 100;

    /// <param name="operation">One operation by worker <c>w</c>, its <c>n</c>-th; throws on failure.</param>
    /// <param name="serverCpu">Reads the server's CPU clock.</param>
    public static async Task<LoadResult> RunAsync(int workers, Func<int, long, CancellationToken, Task> operation, RoundSpec spec,
        Func<CancellationToken, Task<TimeSpan>> serverCpu, CancellationToken ct)
    {
        var state = new State(spec.Count);
        Task[] Start() => [.. Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w, operation, state, ct), ct))];
        if (spec.Count is not null)
        {
            // Counted: every operation is in the window.
            var cpuBefore = await serverCpu(ct).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Start()).ConfigureAwait(false);
            var elapsed = clock.Elapsed;
            var cpuAfter = await serverCpu(ct).ConfigureAwait(false);
            return new LoadResult(state.Completed, state.Completed, state.Failed, state.FirstError, elapsed, cpuAfter - cpuBefore);
        }
        var running = Start();
        await WaitUnlessFailedAsync(spec.Ramp, running, ct).ConfigureAwait(false);
        var cpuStart = await serverCpu(ct).ConfigureAwait(false);
        var window = Stopwatch.StartNew();
        var windowStart = state.Completed;
        await WaitUnlessFailedAsync(spec.Window, running, ct).ConfigureAwait(false);
        var windowEnd = state.Completed;
        var windowLength = window.Elapsed;
        var cpuEnd = await serverCpu(ct).ConfigureAwait(false);
        // Operations under way finish (they are short), so that every connection the server saw is counted here.
        state.Stop();
        await Task.WhenAll(running).ConfigureAwait(false);
        return new LoadResult(windowEnd - windowStart, state.Completed, state.Failed, state.FirstError, windowLength, cpuEnd - cpuStart);
    }

    private static async Task WaitUnlessFailedAsync(TimeSpan period, Task[] running, CancellationToken ct)
    {
        // Workers end early only when failures pile up; then there is nothing left to wait for.
        await Task.WhenAny(Task.Delay(period, ct), Task.WhenAll(running)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    private static async Task WorkAsync(int worker, Func<int, long, CancellationToken, Task> operation, State state, CancellationToken ct)
    {
        for (long n = 0; state.TakeTicket(); n++)
        {
            try
            {
                await operation(worker, n, ct).ConfigureAwait(false);
                state.OnCompleted();
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                if (state.OnFailed(ex) >= FailureLimit)
                {
                    state.Stop();
                }
            }
        }
    }

    private sealed class State(int? count)
    {
        private long _tickets;
        private long _completed;
        private long _failed;
        private string? _firstError;
        private volatile bool _stopped;

        public long Completed => Interlocked.Read(ref _completed);

        public long Failed => Interlocked.Read(ref _failed);

        public string? FirstError => Volatile.Read(ref _firstError);

        /// <summary>False once stopped; in a counted round, also once every operation has been handed out.</summary>
        public bool TakeTicket() => !_stopped && (count is not { } n || Interlocked.Increment(ref _tickets) <= n);

        public void Stop() => _stopped = true;

        public void OnCompleted() => Interlocked.Increment(ref _completed);

        public long OnFailed(Exception ex)
        {
            Interlocked.CompareExchange(ref _firstError, $"{ex.GetType().Name}: {ex.Message}", null);
            return Interlocked.Increment(ref _failed);
        }
    }
}
