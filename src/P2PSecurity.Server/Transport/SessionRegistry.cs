using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// The live, welcomed sessions. Readers (every broadcast) take the current array without a lock or an allocation;
/// the rare writers (a session opens or closes) replace it under a lock.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly Lock _lock = new();
    private NodeSession[] _sessions = [];

    /// <summary>A snapshot of the sessions now (the array is never changed once published).</summary>
    public ImmutableArray<NodeSession> Sessions => ImmutableCollectionsMarshal.AsImmutableArray(Volatile.Read(ref _sessions));

    public int Count => Sessions.Length;

    /// <summary>Raised after a session was added (for status and tests).</summary>
    public event Action<NodeSession>? Opened;

    /// <summary>Raised after a session was removed.</summary>
    public event Action<NodeSession>? Closed;

    public void Add(NodeSession session)
    {
        lock (_lock)
        {
            Volatile.Write(ref _sessions, [.. _sessions, session]);
        }
        Opened?.Invoke(session);
    }

    public void Remove(NodeSession session)
    {
        bool removed;
        lock (_lock)
        {
            var before = _sessions;
            var after = Array.FindAll(before, s => !ReferenceEquals(s, session));
            removed = after.Length != before.Length;
            Volatile.Write(ref _sessions, after);
        }
        if (removed)
        {
            Closed?.Invoke(session);
        }
    }
}
