using System.Diagnostics.CodeAnalysis;

namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// Where the operator's lockdown is kept across restarts: the state database in the server
/// (<see cref="LockdownTable"/>), a file beside the policy (<see cref="LockdownFileStore"/>) for a manager without one.
/// Only <see cref="LockdownSwitch"/> calls it, under its lock.
/// </summary>
public interface ILockdownStore
{
    /// <summary>Where the state is kept, for logs and status (a file path).</summary>
    string Location { get; }

    /// <summary>
    /// The stored state; <see cref="LockdownState.Off"/> when none was ever stored. Null with the
    /// <paramref name="error"/> when it cannot be read: the caller fails closed.
    /// </summary>
    LockdownState? Read(out string? error);

    /// <summary>Stores <paramref name="state"/> durably; false with the <paramref name="error"/> when it cannot.</summary>
    bool TryWrite(LockdownState state, DateTimeOffset at, [NotNullWhen(false)] out string? error);
}
