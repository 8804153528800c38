namespace P2PSecurity.Server.Control;

/// <summary>Settings of the control channel; the socket path normally comes from the policy (CONTROL_SOCKET).</summary>
public sealed class ControlChannelOptions
{
    /// <summary>Overrides the policy's CONTROL_SOCKET (tests, or a host with its own layout).</summary>
    public string? SocketPath { get; set; }

    /// <summary>Time a client has to send its request and take the answer; a silent client is cut off after it.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests served at once; more wait up to <see cref="RequestTimeout"/>, then get a "busy" reply.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;
}
