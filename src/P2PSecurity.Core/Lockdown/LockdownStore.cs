using System.Text.Json;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Core.Lockdown;

/// <summary>
/// Keeps the operator's lockdown on disk, next to the policy file (<c>.env</c> gives <c>.env.lockdown</c>), so that
/// a server started while locked down stays locked down. Written atomically (temporary file, fsync, rename), mode
/// 0600 when new.
/// </summary>
public static class LockdownStore
{
    public const string Suffix = ".lockdown";

    /// <summary>The state file of a policy file.</summary>
    public static string PathFor(string policyPath) => Path.GetFullPath(policyPath) + Suffix;

    /// <summary>
    /// Reads the state file. No file is <see cref="LockdownState.Off"/>. A file that cannot be read or parsed
    /// gives null and the <paramref name="error"/>: the caller fails closed.
    /// </summary>
    public static LockdownState? Read(string path, out string? error)
    {
        error = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return LockdownState.Off;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex.Message;
            return null;
        }
        try
        {
            var file = JsonSerializer.Deserialize(bytes, LockdownFileJsonContext.Default.LockdownFile);
            if (file is null || file.Version != 1)
            {
                error = file is null ? "the file is empty JSON (null)" : $"version {file.Version} is not known (1 is)";
                return null;
            }
            if (!file.Active)
            {
                return LockdownState.Off;
            }
            return new LockdownState
            {
                Active = true,
                AllowTrusted = file.AllowTrusted,
                KeepSessions = file.KeepSessions,
                Reason = file.Reason is null ? null : Cut(file.Reason),
                Since = file.Since,
                Until = file.Until,
                Source = LockdownState.FromControl,
            };
        }
        catch (JsonException ex)
        {
            error = "not a lockdown state file: " + ex.Message;
            return null;
        }
    }

    /// <summary>Writes <paramref name="state"/> atomically; throws IOException or UnauthorizedAccessException when it cannot.</summary>
    public static void Write(string path, LockdownState state, DateTimeOffset at)
    {
        var file = new LockdownFile
        {
            Active = state.Active,
            AllowTrusted = state.AllowTrusted,
            KeepSessions = state.KeepSessions,
            Reason = state.Reason,
            Since = state.Since,
            Until = state.Until,
            ChangedAt = at,
        };
        AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(file, LockdownFileJsonContext.Default.LockdownFile));
    }

    internal static string Cut(string reason) => reason.Length <= LockdownOptions.MaxReasonLength ? reason : reason[..LockdownOptions.MaxReasonLength];
}
