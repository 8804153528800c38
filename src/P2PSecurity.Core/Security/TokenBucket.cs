using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// A token bucket that takes its limit at every call, so a reload that changes the limit applies to live state at
/// once, while the tokens already spent stay spent. Not thread-safe: the owner holds a lock.
/// </summary>
internal struct TokenBucket
{
    /// <summary>Refills add up in floating point; a token short by less than this is a whole token.</summary>
    private const double Tolerance = 1e-9;

    private double _tokens;
    private long _lastTimestamp;
    private int _capacity;
    private bool _started;

    /// <summary>Takes one token if there is one. <paramref name="now"/> is a monotonic timestamp in <paramref name="frequency"/> ticks per second.</summary>
    public bool TryTake(RateLimit limit, long now, long frequency)
    {
        Refill(limit, now, frequency);
        if (_tokens >= 1 - Tolerance)
        {
            _tokens -= 1;
            return true;
        }
        return false;
    }

    /// <summary>True when the bucket is full: it holds no memory of recent events and can be forgotten.</summary>
    public bool IsFull(RateLimit limit, long now, long frequency)
    {
        Refill(limit, now, frequency);
        return _tokens >= limit.Count - Tolerance;
    }

    private void Refill(RateLimit limit, long now, long frequency)
    {
        if (!_started)
        {
            _started = true;
            _capacity = limit.Count;
            _tokens = limit.Count;
            _lastTimestamp = now;
            return;
        }
        if (limit.Count < _capacity)
        {
            // A lowered limit applies at once and counts what was already spent in this period (10/min with 5
            // spent, lowered to 3/min, leaves nothing).
            var spent = Math.Max(0, _capacity - _tokens);
            _tokens = Math.Max(0, Math.Min(_tokens, limit.Count - spent));
            _capacity = limit.Count;
        }
        // A raised limit does not hand out the difference as a burst, and _capacity stays the count that spending
        // is measured against: otherwise a limit that goes up and down again (60/min -> 120/min -> 60/min) would
        // count the unspent difference as spent and empty the bucket of a peer that sent one message.
        _tokens = Math.Min(_tokens, limit.Count);
        var elapsed = now - _lastTimestamp;
        if (elapsed > 0)
        {
            // elapsed * count / (frequency * period) keeps whole periods exact: 6 s at 10/min is exactly 1 token,
            // where elapsed / frequency * (10 / 60.0) gives 0.9999999999999999.
            var gained = elapsed * (double)limit.Count / (frequency * limit.Period.TotalSeconds);
            _tokens = Math.Min(limit.Count, _tokens + gained);
            _lastTimestamp = now;
        }
    }
}
