namespace P2PSecurity.Core.Control;

/// <summary>One welcomed session and the network key it proved, by fingerprint.</summary>
public sealed class SessionKeyInfo
{
    /// <summary>The connection's number, as in the log.</summary>
    public long Id { get; set; }

    public string Address { get; set; } = string.Empty;

    /// <summary>The node key (64 hex digits), or null for an anonymous session.</summary>
    public string? NodeKey { get; set; }

    /// <summary>True when this server dialled the session (BOOTSTRAP_ADDRESSES).</summary>
    public bool Outbound { get; set; }

    /// <summary>The fingerprint of the key the session proved, or null when it proved none (no key was required).</summary>
    public string? Proved { get; set; }
}
