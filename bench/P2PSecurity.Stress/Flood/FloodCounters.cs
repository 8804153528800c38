using System.Collections.Concurrent;
using System.Diagnostics;

namespace P2PSecurity.Stress.Flood;

/// <summary>What the flooding clients saw, per second of the run (thread-safe).</summary>
internal sealed class FloodCounters
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<int, int> _refusedBySecond = new();
    private readonly ConcurrentQueue<string> _details = new();
    private long _refused;
    private long _admitted;
    private long _failed;

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Connections the server did not close at once (or spoke to): a blocked address let in.</summary>
    public long Admitted => Interlocked.Read(ref _admitted);

    /// <summary>Connects that failed on the client side (no port, timed out).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public TimeSpan Elapsed => _clock.Elapsed;

    public IEnumerable<string> Details => _details;

    public void AddRefused()
    {
        Interlocked.Increment(ref _refused);
        _refusedBySecond.AddOrUpdate((int)_clock.Elapsed.TotalSeconds, 1, (_, n) => n + 1);
    }

    public void AddAdmitted(string detail)
    {
        Interlocked.Increment(ref _admitted);
        Note(detail);
    }

    public void AddFailed(string detail)
    {
        Interlocked.Increment(ref _failed);
        Note(detail);
    }

    /// <summary>Refusals in each whole second of the flood (the last, partial second left out).</summary>
    public IReadOnlyList<int> PerSecond(int seconds) =>
        Enumerable.Range(0, seconds).Select(s => _refusedBySecond.GetValueOrDefault(s)).ToList();

    private void Note(string detail)
    {
        if (_details.Count < 10)
        {
            _details.Enqueue(detail);
        }
    }
}
