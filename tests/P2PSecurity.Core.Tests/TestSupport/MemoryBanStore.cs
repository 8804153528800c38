using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>
/// The state-database seam in memory: what a real store would hold after each batch, so tests can reopen a
/// <see cref="BanList"/> on it as after a restart, and make a write fail.
/// </summary>
internal sealed class MemoryBanStore : IBanStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BanTarget, Ban> _bans = [];
    private readonly Dictionary<UInt128, OffenderRecord> _offenders = [];

    /// <summary>When set, the next writes throw, as a full disk would.</summary>
    public bool Failing { get; set; }

    public int Batches { get; private set; }

    public IReadOnlyList<Ban> Bans
    {
        get
        {
            lock (_lock)
            {
                return [.. _bans.Values];
            }
        }
    }

    public OffenderRecord? Offender(UInt128 key)
    {
        lock (_lock)
        {
            return _offenders.TryGetValue(key, out var o) ? o : null;
        }
    }

    public BanStoreContents Load()
    {
        lock (_lock)
        {
            return new BanStoreContents([.. _bans.Values], [.. _offenders.Values]);
        }
    }

    public void Apply(BanStoreChanges changes)
    {
        lock (_lock)
        {
            if (Failing)
            {
                throw new BanStoreException("STATE_DATABASE test.db: disk full (test)");
            }
            Batches++;
            foreach (var target in changes.Deletes)
            {
                _bans.Remove(target);
            }
            foreach (var ban in changes.Upserts)
            {
                _bans[ban.Target] = ban;
            }
            foreach (var key in changes.ForgottenOffenders)
            {
                _offenders.Remove(key);
            }
            foreach (var o in changes.Offenders)
            {
                _offenders[o.Key] = o;
            }
        }
    }

    public void Dispose()
    {
        // Nothing to release: the contents stay for a "restart" on the same store.
    }
}
