using Microsoft.Extensions.Logging;

namespace P2PSecurity.Server.Hosting;

/// <summary>The node server's log messages (the policy's own are in <c>SecurityLog</c>), with stable event ids.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(3000, LogLevel.Information, "listening on {EndPoint} node_key={NodeKey} mode={Mode} profile={Profile}")]
    public static partial void Listening(ILogger logger, string endPoint, string nodeKey, string mode, string profile);

    [LoggerMessage(3001, LogLevel.Information, "identity_created path={Path} node_key={NodeKey}")]
    public static partial void IdentityCreated(ILogger logger, string path, string nodeKey);

    [LoggerMessage(3002, LogLevel.Information, "identity_loaded path={Path} node_key={NodeKey}")]
    public static partial void IdentityLoaded(ILogger logger, string path, string nodeKey);

    [LoggerMessage(3003, LogLevel.Warning, "identity_permissions path={Path} mode={Mode}: the private key is readable by others; chmod 600 it")]
    public static partial void IdentityPermissions(ILogger logger, string path, string mode);

    [LoggerMessage(3004, LogLevel.Information, "shutting_down sessions={Sessions}: no new connections, saying goodbye to peers")]
    public static partial void ShuttingDown(ILogger logger, int sessions);

    [LoggerMessage(3015, LogLevel.Warning, "shutdown_bound_reached pending={Pending}: closing the rest without waiting")]
    public static partial void GoodbyeBoundReached(ILogger logger, int pending);

    [LoggerMessage(3005, LogLevel.Information, "stopped after {ElapsedMs} ms")]
    public static partial void Stopped(ILogger logger, long elapsedMs);

    [LoggerMessage(3006, LogLevel.Debug, "tls_failed remote={Remote} error={Error}")]
    public static partial void TlsFailed(ILogger logger, string remote, string error);

    [LoggerMessage(3007, LogLevel.Debug, "connection_fault remote={Remote} error={Error}: closed")]
    public static partial void ConnectionFault(ILogger logger, string remote, string error);

    [LoggerMessage(3008, LogLevel.Debug, "handshake_timeout remote={Remote}: closed")]
    public static partial void HandshakeTimedOut(ILogger logger, string remote);

    [LoggerMessage(3010, LogLevel.Information, "bootstrap_connected peer={Peer} node={Node}")]
    public static partial void BootstrapConnected(ILogger logger, string peer, string node);

    [LoggerMessage(3011, LogLevel.Warning, "bootstrap_failed peer={Peer} error={Error}: retrying in {RetryMs} ms")]
    public static partial void BootstrapFailed(ILogger logger, string peer, string error, long retryMs);

    [LoggerMessage(3012, LogLevel.Information, "bootstrap_closed peer={Peer}: reconnecting in {RetryMs} ms")]
    public static partial void BootstrapClosed(ILogger logger, string peer, long retryMs);

    [LoggerMessage(3013, LogLevel.Information, "sighup_reload outcome={Outcome} revision={Revision}")]
    public static partial void SighupReload(ILogger logger, string outcome, long revision);

    [LoggerMessage(3014, LogLevel.Warning, "listen_address={Address}: dual-stack mode could not be set ({Error}); IPv4 clients may not reach this listener")]
    public static partial void DualModeUnavailable(ILogger logger, string address, string error);
}
