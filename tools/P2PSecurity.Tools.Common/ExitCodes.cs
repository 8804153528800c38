namespace P2PSecurity.Tools;

/// <summary>
/// Exit codes, the same in manage_trusted_nodes, reload_security and watch_config (documented in docs/TOOLS.md
/// and printed by <c>help</c>). Values from BSD sysexits where one fits.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done; also a no-op edit, and an edit made while no server runs.</summary>
    public const int Success = 0;

    /// <summary>The policy file is invalid, an edit would make it invalid, or the server refused the reload.</summary>
    public const int InvalidPolicy = 1;

    /// <summary>The command needs the running server and could not reach it.</summary>
    public const int ServerNotReachable = 2;

    /// <summary>The server answered with an error (protocol version, busy, internal error).</summary>
    public const int ServerError = 3;

    /// <summary>Bad command line, or a malformed key, address, CIDR or label (EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>
    /// The edit is not made safely: the file writes a list in a form the editor will not change byte by byte, or
    /// removing the last allowed key would open the node to any authenticated node (EX_DATAERR).
    /// </summary>
    public const int NotEditable = 65;

    /// <summary>A bug in the tool; the stack trace is printed (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>A file could not be read or written, the edit lock was busy too long, or keygen's file exists (EX_IOERR).</summary>
    public const int IoError = 74;

    /// <summary>Interrupted by Ctrl+C or SIGTERM before the command finished (watch_config exits 0 instead).</summary>
    public const int Interrupted = 130;

    /// <summary>The table printed by <c>help</c>.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Table { get; } =
    [
        (Success, "success (also: already present / not present, and an edit made while no server runs)"),
        (InvalidPolicy, "invalid policy: file errors, an edit that would make it invalid, or a reload the server refused"),
        (ServerNotReachable, "server not reachable: no control socket, a stale one, permission denied or no answer"),
        (ServerError, "the server answered with an error"),
        (Usage, "usage error: bad command line, or a malformed key, address, CIDR or label"),
        (NotEditable, "not edited safely: the list is written with escapes or '$' (edit that line by hand), or the edit would open the network (--open-network)"),
        (InternalError, "internal error (a bug; the stack trace is printed)"),
        (IoError, "I/O error: cannot read or write a file, edit lock busy, or keygen's file exists"),
        (Interrupted, "interrupted (Ctrl+C) before the command finished"),
    ];
}
