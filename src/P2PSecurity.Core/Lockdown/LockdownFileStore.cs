using System.Diagnostics.CodeAnalysis;

namespace P2PSecurity.Core.Lockdown;

/// <summary>The lockdown kept in a JSON file (<see cref="LockdownStore"/>): for a manager with no state database.</summary>
public sealed class LockdownFileStore(string path) : ILockdownStore
{
    public string Location { get; } = Path.GetFullPath(path);

    public LockdownState? Read(out string? error) => LockdownStore.Read(Location, out error);

    public bool TryWrite(LockdownState state, DateTimeOffset at, [NotNullWhen(false)] out string? error)
    {
        try
        {
            LockdownStore.Write(Location, state, at);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"cannot write {Location}: {ex.Message}";
            return false;
        }
    }
}
