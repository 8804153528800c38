using System.Diagnostics;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Serialises edits of one policy file across processes: an exclusive lock on <c>&lt;file&gt;.lock</c> beside it,
/// held from reading the file to renaming the new one over it, so fifty concurrent edits each see the one before.
/// </summary>
/// <remarks>
/// .NET takes <c>flock(LOCK_EX | LOCK_NB)</c> for <see cref="FileShare.None"/> on Unix; a busy lock is retried until
/// the deadline. The kernel drops the lock when the process dies, so a killed editor never leaves it held. The lock
/// file is never deleted: deleting it would let two editors lock two different files of the same name.
/// </remarks>
public sealed class EnvFileLock : IDisposable
{
    private readonly FileStream _stream;

    private EnvFileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The lock file used for <paramref name="policyPath"/>.</summary>
    public static string PathFor(string policyPath) => System.IO.Path.GetFullPath(policyPath) + ".lock";

    /// <summary>Takes the lock for <paramref name="policyPath"/>, waiting up to <paramref name="timeout"/>.</summary>
    public static EnvFileLock Acquire(string policyPath, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (LockingDisabled())
        {
            throw new PolicyEditException(PolicyEditFailure.Io,
                "file locking is disabled in this process (DOTNET_SYSTEM_IO_DISABLEFILELOCKING); concurrent edits could be lost, so none is made");
        }
        var lockPath = PathFor(policyPath);
        var started = Stopwatch.GetTimestamp();
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var wait = 2;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new EnvFileLock(new FileStream(lockPath, options), lockPath);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (Stopwatch.GetElapsedTime(started) >= timeout)
                {
                    throw new PolicyEditException(PolicyEditFailure.Io,
                        $"another edit of {policyPath} holds {lockPath} for more than {timeout.TotalSeconds:0.#} s ({ex.Message})", ex);
                }
                // An edit holds the lock for milliseconds: start with short waits, back off to at most 25 ms so that
                // many waiters do not spin, and jitter so that they do not retry in step.
                Thread.Sleep(Random.Shared.Next(wait / 2, wait + 1));
                wait = Math.Min(25, wait * 3 / 2 + 1);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or DirectoryNotFoundException or FileNotFoundException)
            {
                throw new PolicyEditException(PolicyEditFailure.Io, $"cannot open the lock file {lockPath}: {ex.Message}", ex);
            }
        }
    }

    private static bool LockingDisabled()
    {
        if (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
        {
            return true;
        }
        var env = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING");
        return env is not null && (env == "1" || env.Equals("true", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose() => _stream.Dispose();
}
