namespace P2PSecurity.Core.Control;

/// <summary>
/// What the node server knows that the security manager does not, for the <c>status</c> request. The server
/// implements it and registers it; without one, status reports these as unknown.
/// </summary>
public interface IServerStatusSource
{
    /// <summary>Where the node listener is bound, e.g. <c>[::]:9828</c>; null before it is bound.</summary>
    string? ListenEndpoint { get; }

    /// <summary>This server's own node key (64 lowercase hex digits), or null.</summary>
    string? NodeKey { get; }

    /// <summary>The profile the server was started with (<c>--profile NAME</c>: <c>.env.NAME</c>), or null.</summary>
    string? Profile => null;
}
