using P2PSecurity.LoadGen.Load;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>How the figures run: rounds, their length, where the servers run, and the load's size.</summary>
internal sealed record BenchSettings
{
    /// <summary>
    /// Subject rounds for the rate figures, each between two baseline rounds. Many short rounds rather than a few
    /// long ones: the other work on a shared machine changes over seconds, so three short rounds in a row see nearly
    /// the same machine, and the median over many rounds shrugs off those that did not.
    /// </summary>
    public int Rounds { get; init; } = 31;

    /// <summary>Subject rounds for the memory figure (each round starts a server process and opens N connections).</summary>
    public int MemoryRounds { get; init; } = 2;

    /// <summary>Per round: a short ramp (the pipeline fills; the JIT was warmed by the warm-up pairs), then the window.</summary>
    public RoundSpec Round { get; init; } = new(TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(1));

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

    /// <summary>Unrecorded rounds of each arm before the recorded ones, until the JIT is quiet (off for counted smoke runs).</summary>
    public bool WarmupRound => Round.Count is null;

    /// <summary>A warm-up round: longer than a recorded one, so that "the JIT compiled little" means a quiet JIT.</summary>
    public RoundSpec WarmupSpec { get; init; } = new(TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(3));

    /// <summary>The spec of round <paramref name="round"/> (negative: a warm-up round).</summary>
    public RoundSpec SpecOf(int round) => round < 0 && Round.Count is null ? WarmupSpec : Round;

    /// <summary>Settings replaced in every subject's policy file (<c>--subject-set KEY=VALUE</c>).</summary>
    public IReadOnlyDictionary<string, string> SubjectOverrides { get; init; } = new Dictionary<string, string>();

    /// <summary>A subject policy with <see cref="SubjectOverrides"/> applied.</summary>
    public string Subject(string env) => SubjectOverrides.Count == 0 ? env : BenchPolicy.With(env, SubjectOverrides);

    /// <summary>The network key the load must prove to a subject (none when an override emptied it).</summary>
    public string? SubjectSecret => SubjectOverrides.TryGetValue(P2PSecurity.Core.Policy.PolicyKeys.NetworkSecretKey, out var secret)
        ? (secret.Length == 0 ? null : secret)
        : BenchPolicy.NetworkSecret;

    public Action<string> Progress { get; init; } = _ => { };
}
