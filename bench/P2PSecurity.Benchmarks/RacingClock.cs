namespace P2PSecurity.Benchmarks;

/// <summary>
/// A monotonic clock on which every read is one microsecond after the previous one, however fast the reads come.
/// Benchmarks that admit or refuse the same address tens of millions of times a second use it with
/// CONNECTION_RATE_LIMIT=1000000/s (one token a microsecond, the largest rate a file can set), so that the rate bucket
/// refills by one with every call and the check under measurement is the one that decides; with the real clock the
/// bucket runs dry within a second of calls. The rejection log's 10 s window passes every ten million reads, as it
/// would in ten seconds of real time. Wall-clock time (<see cref="TimeProvider.GetUtcNow"/>) and timers stay the system's.
/// </summary>
public sealed class RacingClock : TimeProvider
{
    private long _now;

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Interlocked.Increment(ref _now);
}
