namespace P2PSecurity.Core.Control;

/// <summary>Facts only the server process knows, from <see cref="IServerStatusSource"/>.</summary>
public sealed class ServerInfo
{
    /// <summary>Where the node listener is bound, e.g. <c>[::]:9828</c>; null before it is bound.</summary>
    public string? ListenEndpoint { get; set; }

    /// <summary>This server's own node key (64 hex digits); null when not known.</summary>
    public string? NodeKey { get; set; }

    public int ProcessId { get; set; }

    /// <summary>The profile the server was started with (<c>--profile</c> or P2PSECURITY_PROFILE), or null.</summary>
    public string? Profile { get; set; }

    public string? Version { get; set; }
}
