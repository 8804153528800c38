using System.Collections.Immutable;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// The live, welcomed sessions. Readers (every broadcast) take the current array without a lock or an allocation;
/// the rare writers (a session opens or closes) replace it under a lock.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly Lock _gate = new();
    private ImmutableArray<NodeSession> _sessions = [];

    /// <summary>A snapshot of the sessions now.</summary>
    public ImmutableArray<NodeSession> Sessions => ImmutableInterlocked.InterlockedCompareExchange(ref _sessions, default, default);

    public int Count => Sessions.Length;

    /// <summary>Raised after a session was added (for status and tests).</summary>
    public event Action<NodeSession>? Opened;

    /// <summary>Raised after a session was removed.</summary>
    public event Action<NodeSession>? Closed;

    public void Add(NodeSession session)
    {
        lock (_gate)
        {
            _sessions = _sessions.Add(session);
        }
        Opened?.Invoke(session);
    }

    public void Remove(NodeSession session)
    {
        bool removed;
        lock (_gate)
        {
            var before = _sessions;
            _sessions = before.Remove(session);
            removed = _sessions.Length != before.Length;
        }
        if (removed)
        {
            Closed?.Invoke(session);
        }
    }
}
