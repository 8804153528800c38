namespace P2PSecurity.Stress.SlowClients;

/// <summary>What <see cref="HeldHandshakesHarness"/> runs: how many addresses, for how long, against which limits.</summary>
public sealed record HeldHandshakesOptions
{
    /// <summary>IPv4 loopback addresses (127.31.x.y), each holding one handshake open at a time.</summary>
    public int Count { get; init; } = 5000;

    /// <summary>Flows from ::1, one IPv6 /64, each trying to hold one handshake open (0: none).</summary>
    public int Ipv6Flows { get; init; } = 500;

    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The server's HANDSHAKE_TIMEOUT.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Pause of a flow between the server's close and its next connect.</summary>
    public TimeSpan Redial { get; init; } = TimeSpan.FromMilliseconds(200);

    public IReadOnlyList<SlowKind> Kinds { get; init; } = SlowClientsHarness.DefaultKinds;

    /// <summary>MAX_PENDING_HANDSHAKES for the run; null keeps the server's default.</summary>
    public int? PendingCap { get; init; }

    /// <summary>MAX_CONNECTIONS for the run; null keeps the server's default.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>The p99 bound on the allowed node's welcome latency while the handshakes are held.</summary>
    public TimeSpan LatencyTarget { get; init; } = TimeSpan.FromSeconds(2);

    public string? ServerDll { get; init; }
}
