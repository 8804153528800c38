using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The accept gate with 100,000 fleet decisions in force (issue 14: the decision cost stays at 100 ns or less and
/// 0 B). Baseline: the same gate, same empty policy file, with no fleet attached, side by side.
/// </summary>
[Config(typeof(ShortConfig))]
public class FleetAcceptBenchmarks
{
    public const int Decisions = 100_000;
    private const int ClientCount = 1024;
    private BenchPolicy _plain = null!;
    private BenchPolicy _fleet = null!;
    private FleetSync _sync = null!;
    private IPAddress _blocked = null!;
    private IPAddress[] _clients = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _plain = new BenchPolicy("MAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=1000000/s\n");
        _fleet = new BenchPolicy("MAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=1000000/s\n");
        var decisions = Enumerable.Range(0, Decisions)
            .Select(i => new FleetDecision(i % 2 == 0 ? FleetAction.Block : FleetAction.Ban,
                BanTarget.ForRange(Core.Policy.IpAddressKey.From(IPAddress.Parse($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")), 128),
                i % 2 == 0 ? Ban.Forever : DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds()))
            .ToList();
        _sync = new FleetSync(new FleetSigning("bench", []), new PreloadedStore(decisions), new UnreachableHub());
        _fleet.Manager.AttachFleet(_sync);
        _blocked = IPAddress.Parse("10.0.100.2");
        _clients = PolicyFiles.Clients(ClientCount);
        AcceptBenchmarks.Check(_sync.Current.Count == Decisions, "fleet decisions not loaded");
        AcceptBenchmarks.Check(_fleet.Manager.EvaluateAccept(_blocked).Decision.Reason == DenyReason.IpBlocked, "fleet block admitted");
        AcceptBenchmarks.Check(_fleet.Manager.EvaluateAccept(IPAddress.Parse("10.0.100.3")).Decision.Reason == DenyReason.IpBanned, "fleet ban admitted");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sync.Dispose();
        _plain.Dispose();
        _fleet.Dispose();
    }

    [Benchmark(Baseline = true, Description = "baseline: admit + release, no fleet")]
    public void AdmitNoFleet() => _plain.Manager.EvaluateAccept(_clients[_next++ & (ClientCount - 1)]).Slot!.Release();

    [Benchmark(Description = "admit + release, 100,000 fleet decisions")]
    public void AdmitWithFleet() => _fleet.Manager.EvaluateAccept(_clients[_next++ & (ClientCount - 1)]).Slot!.Release();

    [Benchmark(Description = "refuse: address blocked by the fleet")]
    public DenyReason RefuseFleetBlocked() => _fleet.Manager.EvaluateAccept(_blocked).Decision.Reason;

    private sealed class PreloadedStore(IReadOnlyList<FleetDecision> decisions) : IFleetStore
    {
        public (StreamId LastId, IReadOnlyList<FleetDecision> InForce) LoadFleet() => (new StreamId(1, 0), decisions);

        public void ApplyFleet(StreamId lastId, IReadOnlyCollection<FleetChange> changes) => throw new InvalidOperationException("not in a benchmark");

        public void ReplaceFleet(StreamId lastId, IReadOnlyCollection<FleetDecision> inForce) => throw new InvalidOperationException("not in a benchmark");
    }

    private sealed class UnreachableHub : IFleetHub
    {
        public Task<IReadOnlyList<FleetRawEntry>> ReadAsync(StreamId after, int count, TimeSpan? block, CancellationToken cancellationToken) => throw Down();

        public Task<StreamId> TopAsync(CancellationToken cancellationToken) => throw Down();

        public Task<FleetAppendOutcome> AppendAsync(FleetEntry entry, StreamId? expectedTop, CancellationToken cancellationToken) => throw Down();

        public Task<FleetSnapshot?> ReadSnapshotAsync(CancellationToken cancellationToken) => throw Down();

        public Task<StreamId?> ReadSnapshotCoversAsync(CancellationToken cancellationToken) => throw Down();

        public Task<bool> WriteSnapshotAsync(FleetSnapshot snapshot, CancellationToken cancellationToken) => throw Down();

        public Task TrimAsync(StreamId minId, CancellationToken cancellationToken) => throw Down();

        private static FleetHubException Down() => new("no hub in a benchmark");
    }
}
