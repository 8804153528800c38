using Microsoft.Extensions.Logging;

namespace P2PSecurity.Server.Control;

/// <summary>The control channel's log messages, with stable event ids.</summary>
internal static partial class ControlChannelLog
{
    [LoggerMessage(3000, LogLevel.Information, "control_listening path={Path} mode=0600")]
    public static partial void Listening(ILogger logger, string path);

    [LoggerMessage(3001, LogLevel.Warning, "control_stale_socket_removed path={Path}: left by a server that did not stop cleanly")]
    public static partial void StaleSocketRemoved(ILogger logger, string path);

    [LoggerMessage(3002, LogLevel.Warning, "control_request_rejected code={Code}: {Detail}")]
    public static partial void RequestRejected(ILogger logger, string code, string detail);

    [LoggerMessage(3003, LogLevel.Error, "control_request_failed type={Type}")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string type);

    [LoggerMessage(3004, LogLevel.Debug, "control_request type={Type} ok={Ok} elapsed_ms={ElapsedMs}")]
    public static partial void RequestServed(ILogger logger, string type, bool ok, long elapsedMs);

    [LoggerMessage(3005, LogLevel.Information, "control_stopped path={Path}")]
    public static partial void Stopped(ILogger logger, string path);

    [LoggerMessage(3006, LogLevel.Error, "control_accept_failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(3007, LogLevel.Warning, "control_peer_refused uid={Uid} gid={Gid} pid={Pid}: only the server's own user (uid {ServerUid}) and root are served")]
    public static partial void PeerRefused(ILogger logger, uint uid, uint gid, int pid, uint serverUid);

    [LoggerMessage(3008, LogLevel.Warning, "control_peer_unknown {Error}: refused (fail closed)")]
    public static partial void PeerUnknown(ILogger logger, string error);
}
