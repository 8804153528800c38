namespace P2PSecurity.Server.Transport;

/// <summary>
/// Delays between dial attempts: 1 s doubling to a cap of 60 s, each with ±20 % jitter so that nodes restarted
/// together do not dial in step. Reset after a session was welcomed.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan cap)
{
    private readonly TimeSpan _initial = initial;
    private TimeSpan _next = initial;

    public TimeSpan Next()
    {
        var current = _next;
        _next = TimeSpan.FromTicks(Math.Min(cap.Ticks, current.Ticks * 2));
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromTicks((long)(current.Ticks * jitter));
    }

    public void Reset() => _next = _initial;
}
