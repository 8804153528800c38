namespace P2PSecurity.Core.Control;

/// <summary>How a call on the control channel ended.</summary>
public enum ControlCallStatus
{
    /// <summary>The server answered (the answer may still be an error reply).</summary>
    Answered,

    /// <summary>No server listens: no socket file, or a stale one that refuses connections.</summary>
    NotRunning,

    /// <summary>A server may be there but the call failed: permission denied, timeout, broken reply.</summary>
    Failed,
}

/// <summary>The result of <see cref="ControlClient.SendAsync"/>: an answer, or why there is none.</summary>
public sealed record ControlCallResult(ControlCallStatus Status, ControlResponse? Response, string? Problem, string SocketPath)
{
    public static ControlCallResult Answer(ControlResponse response, string socketPath) => new(ControlCallStatus.Answered, response, null, socketPath);

    public static ControlCallResult NotRunning(string problem, string socketPath) => new(ControlCallStatus.NotRunning, null, problem, socketPath);

    public static ControlCallResult Failed(string problem, string socketPath) => new(ControlCallStatus.Failed, null, problem, socketPath);
}
