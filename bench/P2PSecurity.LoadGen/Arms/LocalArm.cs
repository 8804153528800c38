using System.Net;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>An arm whose server runs in this process (quick runs and tests; its CPU time includes the load's).</summary>
internal sealed class LocalArm(ArmSpec spec, IBenchServer server) : IArm
{
    public ArmSpec Spec { get; } = spec;

    public IPEndPoint EndPoint => server.EndPoint;

    public bool Isolated => false;

    public static async Task<LocalArm> StartAsync(ArmSpec spec, CancellationToken ct) =>
        new(spec, await spec.StartServerAsync(ownsProcess: false, ct).ConfigureAwait(false));

    public Task<ArmStats> StatsAsync(bool collect, CancellationToken ct) =>
        Task.FromResult(ArmStats.Measure(server.Counters, collect));

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
