namespace P2PSecurity.Core.Bans;

/// <summary>
/// Strike counts and ban history per offender (an IPv4 address, an IPv6 block), bounded: at most
/// <see cref="Capacity"/> offenders are remembered. When full, a new offender takes the place of the least telling
/// of eight sampled ones (fewest bans, then fewest strikes, then oldest window), so a flood of one-strike addresses
/// cannot push out the history of a repeat offender for long, and each strike stays O(1).
/// </summary>
/// <remarks>
/// About 140 bytes per offender, measured (the 40-byte record, its index entry, and a place in the changed set until
/// the next flush; <c>p2psecurity-stress ban-flood</c>): 100,000 offenders hold about 13 MB however many distinct
/// addresses offend. Changes are handed to the
/// state database in batches (<see cref="TakeChanges"/>), so a restart keeps counts and history.
/// </remarks>
public sealed class StrikeTracker
{
    public const int DefaultCapacity = 100_000;
    private const int Sample = 8;

    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, int> _index = [];
    private readonly OffenderRecord[] _records;
    private readonly HashSet<UInt128> _changed = [];
    private readonly HashSet<UInt128> _forgotten = [];
    private readonly bool[] _banPending;
    private int _count;
    private uint _random = 2_463_534_242;

    public StrikeTracker(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, Sample);
        Capacity = capacity;
        _records = new OffenderRecord[capacity];
        _banPending = new bool[capacity];
    }

    public int Capacity { get; }

    /// <summary>Offenders remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// Adds an offence's strikes to the offender <paramref name="key"/> (the first address of its block). Returns the
    /// strikes counted in the window, and whether this strike reached the threshold (then the caller asks for a ban
    /// and must end with <see cref="BanMade"/> or <see cref="BanDropped"/>; until then no second ban is asked for).
    /// </summary>
    public (int Strikes, bool Reached) Record(UInt128 key, Offence offence, long nowMs, AutoBanSettings settings)
    {
        var weight = offence.Weight();
        lock (_lock)
        {
            var slot = SlotFor(key, nowMs);
            ref var r = ref _records[slot];
            if (nowMs - r.WindowStartMs >= (long)settings.Window.TotalMilliseconds || r.Strikes == 0)
            {
                r = r with { Strikes = 0, WindowStartMs = nowMs };
            }
            r = r with { Strikes = r.Strikes + weight };
            _changed.Add(key);
            if (r.Strikes >= settings.Threshold && !_banPending[slot])
            {
                _banPending[slot] = true;
                return (r.Strikes, true);
            }
            return (r.Strikes, false);
        }
    }

    /// <summary>A ban was made for the offender: its count starts again; returns how many bans it had before this one.</summary>
    public int BanMade(UInt128 key, long nowMs)
    {
        lock (_lock)
        {
            var slot = SlotFor(key, nowMs);
            ref var r = ref _records[slot];
            var before = r.Bans;
            r = r with { Strikes = 0, WindowStartMs = nowMs, Bans = before + 1, LastBanMs = nowMs };
            _banPending[slot] = false;
            _changed.Add(key);
            return before;
        }
    }

    /// <summary>No ban was made (dry run, exempt, protected, table full): the count starts again, the history stays.</summary>
    public void BanDropped(UInt128 key, long nowMs)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var slot))
            {
                _records[slot] = _records[slot] with { Strikes = 0, WindowStartMs = nowMs };
                _banPending[slot] = false;
                _changed.Add(key);
            }
        }
    }

    /// <summary>How many bans the offender had (0 when not remembered).</summary>
    public OffenderRecord? Find(UInt128 key)
    {
        lock (_lock)
        {
            return _index.TryGetValue(key, out var slot) ? _records[slot] : null;
        }
    }

    /// <summary>Loads remembered offenders (at start), up to capacity.</summary>
    public void Load(IEnumerable<OffenderRecord> offenders)
    {
        lock (_lock)
        {
            foreach (var o in offenders)
            {
                if (_count == Capacity)
                {
                    break;
                }
                if (_index.TryAdd(o.Key, _count))
                {
                    _records[_count++] = o;
                }
            }
        }
    }

    /// <summary>What changed since the last call, to be written to the state database.</summary>
    public (List<OffenderRecord> Changed, List<UInt128> Forgotten) TakeChanges()
    {
        lock (_lock)
        {
            var changed = new List<OffenderRecord>(_changed.Count);
            foreach (var key in _changed)
            {
                if (_index.TryGetValue(key, out var slot))
                {
                    changed.Add(_records[slot]);
                }
            }
            var forgotten = _forgotten.ToList();
            _changed.Clear();
            _forgotten.Clear();
            return (changed, forgotten);
        }
    }

    public bool HasChanges
    {
        get
        {
            lock (_lock)
            {
                return _changed.Count > 0 || _forgotten.Count > 0;
            }
        }
    }

    private int SlotFor(UInt128 key, long nowMs)
    {
        if (_index.TryGetValue(key, out var slot))
        {
            return slot;
        }
        if (_count < Capacity)
        {
            slot = _count++;
        }
        else
        {
            slot = Victim();
            var old = _records[slot].Key;
            _index.Remove(old);
            _changed.Remove(old);
            _forgotten.Add(old);
        }
        _index[key] = slot;
        _forgotten.Remove(key);
        _records[slot] = new OffenderRecord(key, 0, nowMs, 0, 0);
        _banPending[slot] = false;
        return slot;
    }

    private int Victim()
    {
        var best = -1;
        for (var i = 0; i < Sample; i++)
        {
            var candidate = (int)(NextRandom() % (uint)Capacity);
            if (_banPending[candidate])
            {
                continue;
            }
            if (best < 0 || LessTelling(_records[candidate], _records[best]))
            {
                best = candidate;
            }
        }
        return best < 0 ? (int)(NextRandom() % (uint)Capacity) : best;
    }

    private static bool LessTelling(in OffenderRecord a, in OffenderRecord b) =>
        a.Bans != b.Bans ? a.Bans < b.Bans : a.Strikes != b.Strikes ? a.Strikes < b.Strikes : a.WindowStartMs < b.WindowStartMs;

    // xorshift32: the sample needs no quality beyond "not always the same slots", and must not allocate or lock.
    private uint NextRandom()
    {
        var x = _random;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return _random = x;
    }
}
