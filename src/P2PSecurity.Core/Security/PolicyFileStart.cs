using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The policy file read and validated once at start, before anything else exists: the server looks at it for its
/// log settings, then builds its <see cref="SecurityManager"/> from it (<see cref="SecurityManager.Create(PolicyFileStart, Microsoft.Extensions.Logging.ILogger?)"/>),
/// so the file is read and parsed once, and what the manager watches is what was read.
/// </summary>
public sealed class PolicyFileStart
{
    private PolicyFileStart(string fullPath, StampedRead read, long readAtUnixNs, long readAtTimestamp, TimeProvider time, PolicyLoadContext context, PolicyLoadResult? loaded)
    {
        FullPath = fullPath;
        Read = read;
        ReadAtUnixNs = readAtUnixNs;
        ReadAtTimestamp = readAtTimestamp;
        Time = time;
        Context = context;
        Loaded = loaded;
        Policy = loaded?.Policy is { } policy ? policy with { Revision = 1 } : SecurityPolicy.Defaults with { Revision = 1, SourcePath = fullPath };
    }

    /// <summary>The policy file's full path.</summary>
    public string FullPath { get; }

    /// <summary>The policy the file gives (revision 1), or the embedded defaults when there is no file.</summary>
    public SecurityPolicy Policy { get; }

    /// <summary>False when there was no file (the embedded defaults).</summary>
    public bool FromFile => Read.Bytes is not null;

    /// <summary>The findings (warnings) of the validation.</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics => Loaded?.Diagnostics ?? [];

    internal StampedRead Read { get; }

    internal long ReadAtUnixNs { get; }

    internal long ReadAtTimestamp { get; }

    internal TimeProvider Time { get; }

    internal PolicyLoadContext Context { get; }

    internal PolicyLoadResult? Loaded { get; }

    /// <summary>
    /// Reads and validates the file. An unreadable or invalid file throws <see cref="PolicyLoadException"/> listing
    /// every error: a server must not start on a policy it cannot read (an empty block list would fail open). Secret
    /// files the policy names are read too, and the systemd credential in <paramref name="context"/> (default: this
    /// process's <c>$CREDENTIALS_DIRECTORY</c>).
    /// </summary>
    public static PolicyFileStart Load(string policyPath, TimeProvider? time = null, PolicyLoadContext? context = null)
    {
        time ??= TimeProvider.System;
        context ??= PolicyLoadContext.FromEnvironment();
        var fullPath = Path.GetFullPath(policyPath);
        var readAtUnixNs = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        var readAtTimestamp = time.GetTimestamp();
        var read = EnvFileReader.ReadStamped(fullPath);
        if (read.Error is not null)
        {
            throw new PolicyLoadException(fullPath, [new PolicyDiagnostic(DiagnosticSeverity.Error, null, null, null, $"cannot read {fullPath}: {read.Error}")]);
        }
        PolicyLoadResult? loaded = null;
        if (read.Bytes is not null)
        {
            loaded = PolicyLoader.Load(read.Bytes, fullPath, contentHash: null, context, PolicyParseCache.Empty);
            if (loaded.Policy is null)
            {
                throw new PolicyLoadException(fullPath, loaded.Diagnostics);
            }
        }
        return new PolicyFileStart(fullPath, read, readAtUnixNs, readAtTimestamp, time, context, loaded);
    }
}
