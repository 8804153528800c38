using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Preflight;

/// <summary>The checks of files and folders: identity, secret, control socket, log file.</summary>
internal static class FileChecks
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The node identity exists (or can be created), parses, is owner-only and belongs to this user.</summary>
    public static PreflightCheck Identity(SecurityPolicy policy)
    {
        var path = policy.ResolvePath(policy.NodeIdentityFile);
        if (!File.Exists(path))
        {
            var folder = Path.GetDirectoryName(path)!;
            return Directory.Exists(folder)
                ? PreflightCheck.Warn("identity", $"identity {path} does not exist; the server creates it (mode 0600) at its first start",
                    $"or create it now: manage_trusted_nodes keygen {path}")
                : PreflightCheck.Err("identity", $"identity {path} does not exist, nor its folder {folder}",
                    $"mkdir -m 700 {folder}, or set NODE_IDENTITY_FILE");
        }
        string key;
        try
        {
            using var identity = NodeIdentity.Load(path);
            key = identity.NodeKey.ToShortString();
        }
        catch (NodeIdentityException ex)
        {
            return PreflightCheck.Err("identity", "identity " + ex.Message,
                "restore the file from a backup, or move it away to let the server create a new identity (peers that pinned the old key will refuse the new one)");
        }
        if (OwnerOnlyProblem(path, "the private key") is { } problem)
        {
            return problem with { Check = "identity", Message = "identity " + problem.Message };
        }
        return PreflightCheck.Ok("identity", $"identity {path}: node key {key}…, mode {ModeOf(path)}, owner-only");
    }

    /// <summary>
    /// NETWORK_SECRET_KEY, when set, lives in the policy file: that file should be owner-only. Never prints the value.
    /// </summary>
    public static PreflightCheck Secret(SecurityPolicy policy, string envPath)
    {
        if (policy.NetworkSecretKey.Length == 0)
        {
            return PreflightCheck.Ok("secret", "no network key (NETWORK_SECRET_KEY is not set)");
        }
        if (!policy.NetworkKeySource.StartsWith(PolicyKeys.NetworkSecretKey + " ", StringComparison.Ordinal) &&
            policy.NetworkKeySource != PolicyKeys.NetworkSecretKey)
        {
            // A key file or a systemd credential: the policy's validation already refused one that group or others
            // can read, so a policy that loaded has an owner-only source. Say which, never the value.
            return PreflightCheck.Ok("secret", $"network key from {policy.NetworkKeySource} (fingerprint {policy.NetworkKeyFingerprint}), owner-only");
        }
        if (OwnerOnlyProblem(envPath, "NETWORK_SECRET_KEY") is { } problem)
        {
            // The server starts, but the secret is exposed: a warning, as at every load.
            return PreflightCheck.Warn("secret", "NETWORK_SECRET_KEY is in " + problem.Message, problem.Fix);
        }
        return PreflightCheck.Ok("secret", $"NETWORK_SECRET_KEY is set in {envPath} (value hidden), mode {ModeOf(envPath)}, owner-only");
    }

    /// <summary>
    /// The state database (bans; STATE_DATABASE): a file that exists must be an SQLite database (its 16-byte header)
    /// that only the owner can read, and its folder must be writable, since SQLite writes its journal beside it.
    /// Opening it is left to the server, which refuses to start on a damaged one.
    /// </summary>
    public static PreflightCheck StateDatabase(SecurityPolicy policy)
    {
        var path = policy.ResolvePath(policy.StateDatabase);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            return PreflightCheck.Err("database", $"state database folder {folder} does not exist", $"mkdir -m 700 {folder}, or set STATE_DATABASE");
        }
        if (!File.Exists(path))
        {
            return PreflightCheck.Ok("database", $"state database {path} does not exist yet; the server creates it (mode 0600)");
        }
        Span<byte> header = stackalloc byte[16];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length ||
                !header.SequenceEqual("SQLite format 3\0"u8))
            {
                return PreflightCheck.Err("database", $"state database {path} is not an SQLite database",
                    "move it away (the server refuses to start on it rather than run without its bans), or set STATE_DATABASE");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PreflightCheck.Err("database", $"state database {path} cannot be read: {ex.Message}", "fix its owner or mode; the server must read and write it");
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            return PreflightCheck.Warn("database", $"state database {path} has mode {Secrets.SecretFileCheck.Octal(File.GetUnixFileMode(path))}: others can read the bans and their reasons", $"chmod 600 {path}");
        }
        return PreflightCheck.Ok("database", $"state database {path}: SQLite, owner-only");
    }

    /// <summary>The control socket's folder exists, nobody else can write to it, and nothing else holds the socket.</summary>
    public static async Task<PreflightCheck> ControlSocketAsync(SecurityPolicy policy, ServerProbe server, CancellationToken cancellationToken)
    {
        var path = policy.ResolvePath(policy.ControlSocket);
        var folder = Path.GetDirectoryName(path)!;
        if (System.Text.Encoding.UTF8.GetByteCount(path) > 107)
        {
            return PreflightCheck.Err("control_socket", $"control socket {path} is longer than the 107 bytes a Unix socket path may have",
                "set CONTROL_SOCKET to a shorter path (e.g. /run/p2psecurity/control.sock)");
        }
        if (!Directory.Exists(folder))
        {
            return PreflightCheck.Err("control_socket", $"control socket folder {folder} does not exist",
                $"mkdir -m 700 {folder} (systemd: RuntimeDirectory=), or set CONTROL_SOCKET");
        }
        var mode = OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(folder);
        var sticky = (mode & UnixFileMode.StickyBit) != 0;
        if ((mode & UnixFileMode.OtherWrite) != 0 && !sticky)
        {
            return PreflightCheck.Err("control_socket", $"control socket folder {folder} is writable by others (mode {Octal(mode)}): anyone could replace the socket",
                $"chmod o-w {folder}, or put CONTROL_SOCKET in a private folder");
        }
        if (File.Exists(path) || Directory.Exists(path))
        {
            var call = await server.CallAsync(cancellationToken).ConfigureAwait(false);
            switch (call.Status)
            {
                case ControlCallStatus.Answered:
                    var pid = call.Response?.Status?.Server.ProcessId;
                    return PreflightCheck.Ok("control_socket", string.Create(CultureInfo.InvariantCulture,
                        $"control socket {path}: this server (pid {pid}) answers on it"));
                case ControlCallStatus.NotRunning when new FileInfo(path).Length == 0:
                    return PreflightCheck.Warn("control_socket", $"control socket {path} is stale (a server that stopped left it); it is replaced at start");
                case ControlCallStatus.NotRunning:
                    return PreflightCheck.Err("control_socket", $"control socket {path} is an existing file, not a socket", "choose another CONTROL_SOCKET");
                default:
                    return PreflightCheck.Err("control_socket", $"control socket {path}: {call.Problem}", "run the check as the user the server runs as");
            }
        }
        if ((mode & UnixFileMode.OtherWrite) != 0)
        {
            return PreflightCheck.Warn("control_socket", $"control socket folder {folder} is shared (mode {Octal(mode)}, sticky like /tmp): others cannot replace the socket, but can take its name first",
                "put CONTROL_SOCKET in a private folder (systemd: RuntimeDirectory=p2psecurity)");
        }
        if ((mode & UnixFileMode.GroupWrite) != 0)
        {
            return PreflightCheck.Warn("control_socket", $"control socket folder {folder} is writable by its group (mode {Octal(mode)})", $"chmod g-w {folder}");
        }
        return PreflightCheck.Ok("control_socket", $"control socket folder {folder} exists, mode {Octal(mode)}");
    }

    /// <summary>SECURITY_LOG_FILE can be appended to, or created (the server creates missing folders).</summary>
    public static PreflightCheck LogFile(SecurityPolicy policy)
    {
        if (!policy.LogSecurityEvents)
        {
            return PreflightCheck.Ok("log_file", "LOG_SECURITY_EVENTS=false: no log file (the console only)");
        }
        var path = policy.ResolvePath(policy.SecurityLogFile);
        try
        {
            if (File.Exists(path))
            {
                // Opened for writing and closed without a byte: the file stays as it is.
                using (new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
                {
                    return PreflightCheck.Ok("log_file", $"log file {path} can be written");
                }
            }
            var folder = Path.GetDirectoryName(path)!;
            var existing = folder;
            while (!Directory.Exists(existing))
            {
                if (File.Exists(existing))
                {
                    throw new IOException($"{existing} is a file, not a folder");
                }
                existing = Path.GetDirectoryName(existing) ?? throw new DirectoryNotFoundException($"no folder of {path} exists");
            }
            // A probe file, removed at once: the only way to know that this user may create files there.
            var probe = Path.Combine(existing, $".p2psecurity-preflight-{Environment.ProcessId}-{Random.Shared.Next():x8}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                return PreflightCheck.Ok("log_file", existing == folder
                    ? $"log file {path} can be created"
                    : $"log file {path} can be created (with its folder)");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return PreflightCheck.Err("log_file", $"log file {path} cannot be written: {ex.Message}",
                "fix the owner or mode of the file or its folder, or set SECURITY_LOG_FILE (systemd: ReadWritePaths= or LogsDirectory=)");
        }
    }

    /// <summary>A warning-shaped problem when group or others may use the file, or another user owns it; null when owner-only.</summary>
    private static PreflightCheck? OwnerOnlyProblem(string path, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            return PreflightCheck.Err(string.Empty, $"{path} has mode {Octal(mode)}: group or others can read {what}", $"chmod 600 {path}");
        }
        var owner = UnixFileOwner.OwnerOf(path);
        var me = UnixFileOwner.EffectiveUser();
        if (owner is { } o && me is { } m && o != m)
        {
            return PreflightCheck.Err(string.Empty, string.Create(CultureInfo.InvariantCulture, $"{path} belongs to uid {o}, and this check runs as uid {m}"),
                string.Create(CultureInfo.InvariantCulture, $"chown {m} {path}, or run the server (and this check) as its owner"));
        }
        return null;
    }

    private static string ModeOf(string path) => OperatingSystem.IsWindows() ? "-" : Octal(File.GetUnixFileMode(path));

    /// <summary>"0600", "0644", "1777".</summary>
    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
