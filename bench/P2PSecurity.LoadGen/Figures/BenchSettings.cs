using P2PSecurity.LoadGen.Load;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>How the figures run: rounds, their length, where the servers run, and the load's size.</summary>
internal sealed record BenchSettings
{
    /// <summary>Pairs of rounds (one baseline and one subject round each) for the rate figures.</summary>
    public int Rounds { get; init; } = 7;

    /// <summary>Pairs of rounds for the memory figure (each starts two server processes and opens 2 × N connections).</summary>
    public int MemoryRounds { get; init; } = 2;

    public RoundSpec Round { get; init; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));

    /// <summary>Each server in a process of its own (the default), so that its CPU time can be told from the load's.</summary>
    public bool Isolated { get; init; } = true;

    /// <summary>Concurrent clients for the refused and handshake figures; null takes each figure's default.</summary>
    public int? Concurrency { get; init; }

    /// <summary>Connections for the message figure.</summary>
    public int MessageConnections { get; init; } = 50;

    /// <summary>Idle connections for the memory figure.</summary>
    public int IdleConnections { get; init; } = 5_000;

    /// <summary>The handshake figure's baseline: the bare TLS pipeline (default), or the node server with ENABLE_P2P_SECURITY=false.</summary>
    public bool HandshakeBaselineDisabled { get; init; }

    /// <summary>An unrecorded round of each arm before the recorded ones (off for counted smoke runs).</summary>
    public bool WarmupRound => Round.Count is null;

    public Action<string> Progress { get; init; } = _ => { };
}
