using System.Diagnostics.CodeAnalysis;

namespace P2PSecurity.Core.Lockdown;

/// <summary>A lockdown store that keeps the state in memory only: for a manager built from an in-memory policy.</summary>
internal sealed class MemoryLockdownStore : ILockdownStore
{
    private LockdownState _state = LockdownState.Off;

    public string Location => "(in memory)";

    public LockdownState? Read(out string? error)
    {
        error = null;
        return Volatile.Read(ref _state);
    }

    public bool TryWrite(LockdownState state, DateTimeOffset at, [NotNullWhen(false)] out string? error)
    {
        Volatile.Write(ref _state, state);
        error = null;
        return true;
    }
}
