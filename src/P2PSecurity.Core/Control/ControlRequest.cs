namespace P2PSecurity.Core.Control;

/// <summary>A request on the control channel: <c>{"version":1,"type":"status"}</c>.</summary>
public sealed class ControlRequest
{
    public int Version { get; set; } = ControlProtocol.Version;

    /// <summary>One of <see cref="ControlProtocol.Requests"/>.</summary>
    public string? Type { get; set; }

    /// <summary>check-live: a candidate policy file, absolute path, read by the server.</summary>
    public string? Path { get; set; }

    /// <summary>check-live: a candidate policy's text, when it fits in a request.</summary>
    public string? Text { get; set; }

    /// <summary>lockdown: "on", "off", or null to show the state. fleet: status (or null), compact, or a decision: block, unblock, ban, unban, allow, disallow.</summary>
    public string? Action { get; set; }

    /// <summary>lockdown on: let keys in ALLOWED_NODE_KEYS through (TLS and node gate).</summary>
    public bool? AllowTrusted { get; set; }

    /// <summary>lockdown on: leave open sessions alone.</summary>
    public bool? KeepSessions { get; set; }

    /// <summary>lockdown on: lift after this many seconds.</summary>
    public double? ForSeconds { get; set; }

    /// <summary>ban, unban: an IP address, a CIDR range or a node key.</summary>
    public string? Target { get; set; }

    /// <summary>ban: how long (<c>90s</c>, <c>15m</c>, <c>1h</c>, <c>2d</c>, <c>1w</c>, <c>forever</c>); default 24h.</summary>
    public string? Duration { get; set; }

    /// <summary>lockdown on, ban: why, for the log and status (at most 200 characters, no control characters).</summary>
    public string? Reason { get; set; }

    /// <summary>reload: apply an emptied policy file (the embedded defaults) instead of keeping the last good policy.</summary>
    public bool? AcceptEmpty { get; set; }

    /// <summary>
    /// reload, after the caller wrote the policy file: the SHA-256 (lower-case hex) of the bytes written. When another
    /// trigger (the poll, a connection's check) applied those bytes first, the answer is that reload, with the changes
    /// and the sessions it closed, instead of "unchanged".
    /// </summary>
    public string? WrittenSha256 { get; set; }

    /// <summary>dashboard-password: the new password. Hashed at once by the server, never logged nor answered.</summary>
    public string? Password { get; set; }

    public static ControlRequest Of(string type) => new() { Type = type };
}
