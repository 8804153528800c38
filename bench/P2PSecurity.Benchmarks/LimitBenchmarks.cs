using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The accept gate's refusals by the limits of issue 10, each with 100,000 allowed keys and 100,000 blocked addresses
/// and ranges in force (<see cref="PolicyFiles"/>, as in <see cref="AcceptBenchmarks"/>): MAX_CONNECTIONS reached
/// (reason 6); an IPv6 address counted by its /64 (IPV6_LIMIT_PREFIX), refused at MAX_CONNECTIONS_PER_IP and at
/// CONNECTION_RATE_LIMIT for the prefix; and an admission at MAX_PENDING_HANDSHAKES that evicts the oldest handshake of
/// the busiest prefix. A refusal must stay at most 100 ns and 0 B. Baseline as in <see cref="AcceptBenchmarks"/>: a
/// HashSet of the blocked addresses; the refusal of a blocked address is measured beside them for comparison.
/// </summary>
[Config(typeof(ShortConfig))]
public class LimitBenchmarks
{
    /// <summary>Handshakes held by the busy /64 in the eviction benchmark; the cap leaves room for them and the singles.</summary>
    private const int BusyPrefixPending = 64;
    private const int Singles = 64;

    private BenchPolicy _blockList = null!;
    private BenchPolicy _full = null!;
    private BenchPolicy _prefixCount = null!;
    private BenchPolicy _prefixRate = null!;
    private BenchPolicy _pendingCap = null!;
    private HashSet<IPAddress> _blockedSet = null!;
    private IPAddress _blocked = null!;
    private IPAddress _anyone = null!;
    private IPAddress _neighbour = null!;
    private IPAddress _busyNewcomer = null!;
    private IPAddress[] _clients = null!;
    private int _next;
    private readonly Queue<ConnectionSlot> _busyPending = new(BusyPrefixPending + 1);

    [GlobalSetup]
    public void Setup()
    {
        _blockedSet = [.. PolicyFiles.BlockedEntries.Where(e => !e.Contains('/', StringComparison.Ordinal)).Select(IPAddress.Parse)];
        _blocked = PolicyFiles.BlockedAddress;
        _blockList = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true));
        AcceptBenchmarks.Check(_blockList.Manager.EvaluateAccept(_blocked).Decision.Reason == DenyReason.IpBlocked, "blocked address admitted");
        _clients = PolicyFiles.Clients(1024);

        // MAX_CONNECTIONS=1, taken by one connection that stays: every other address is refused with reason 6.
        _full = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true, extra: "MAX_CONNECTIONS=1\nMAX_PENDING_HANDSHAKES=1\n"));
        AcceptBenchmarks.Check(_full.Manager.EvaluateAccept(IPAddress.Parse("192.168.0.1")).Allowed, "first connection refused");
        _anyone = PolicyFiles.Clients(2)[1];
        AcceptBenchmarks.Check(_full.Manager.EvaluateAccept(_anyone).Decision.Reason == DenyReason.TooManyConnections, "MAX_CONNECTIONS not enforced");

        // Three addresses of one /64 hold its MAX_CONNECTIONS_PER_IP; a fourth address of the /64 is refused for the
        // prefix. The lines given after PolicyFiles' own limits win (a setting given twice: the last one is used).
        // The racing clock keeps the rate bucket full, so the count is what refuses at every call.
        _neighbour = IPAddress.Parse("fd00:1:2:3:ffff::99");
        _prefixCount = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true, extra: "MAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=1000000/s\n"), new RacingClock());
        FillPrefix(_prefixCount);
        AcceptBenchmarks.Check(_prefixCount.Manager.EvaluateAccept(_neighbour).Decision.Reason == DenyReason.TooManyConnectionsFromIp, "a fourth address of the /64 admitted");

        // The same /64 with its connection rate spent (3 an hour): the shared bucket refuses.
        _prefixRate = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true, extra: "MAX_CONNECTIONS_PER_IP=100\nCONNECTION_RATE_LIMIT=3/h\n"));
        FillPrefix(_prefixRate);
        AcceptBenchmarks.Check(_prefixRate.Manager.EvaluateAccept(_neighbour).Decision.Reason == DenyReason.ConnectionRateExceeded, "the /64's rate not shared");

        // MAX_PENDING_HANDSHAKES full: one busy /64 with BusyPrefixPending handshakes and Singles IPv4 addresses with
        // one each. A newcomer from the busy /64 evicts that prefix's oldest; the benchmark then releases the victim,
        // as its close would, so every call starts from the same state.
        _pendingCap = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true,
            extra: $"MAX_PENDING_HANDSHAKES={BusyPrefixPending + Singles}\nMAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=1000000/s\n"), new RacingClock());
        _busyNewcomer = IPAddress.Parse("fd00:9:9:9::1");
        for (var i = 0; i < BusyPrefixPending; i++)
        {
            _busyPending.Enqueue(_pendingCap.Manager.EvaluateAccept(IPAddress.Parse($"fd00:9:9:9::{i + 2:x}")).Slot!);
        }
        foreach (var single in PolicyFiles.Clients(Singles))
        {
            AcceptBenchmarks.Check(_pendingCap.Manager.EvaluateAccept(single).Allowed, "a single refused");
        }
        var evictedBefore = _pendingCap.Manager.RefusalCounts.GetValueOrDefault(DenyReason.PendingHandshakeEvicted);
        AdmitEvictingTheBusiestPrefix();
        AcceptBenchmarks.Check(_pendingCap.Manager.RefusalCounts.GetValueOrDefault(DenyReason.PendingHandshakeEvicted) == evictedBefore + 1, "no eviction at the cap");
        AcceptBenchmarks.Check(_pendingCap.Manager.PendingHandshakes == BusyPrefixPending + Singles, "the pending list is not back at the cap");
    }

    private static void FillPrefix(BenchPolicy policy)
    {
        for (var i = 1; i <= 3; i++)
        {
            AcceptBenchmarks.Check(policy.Manager.EvaluateAccept(IPAddress.Parse($"fd00:1:2:3::{i}")).Allowed, "a /64's first connections refused");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Each refusal path must have refused for its own reason all along (a bucket run dry would change it).
        AcceptBenchmarks.Check(_prefixCount.Manager.EvaluateAccept(_neighbour).Decision.Reason == DenyReason.TooManyConnectionsFromIp, "the count stopped deciding");
        AcceptBenchmarks.Check(_prefixCount.Manager.RefusalCounts.GetValueOrDefault(DenyReason.ConnectionRateExceeded) == 0, "the rate refused in the count benchmark");
        AcceptBenchmarks.Check(_pendingCap.Manager.RefusalCounts.GetValueOrDefault(DenyReason.ConnectionRateExceeded) == 0, "the rate refused in the eviction benchmark");
        foreach (var policy in new[] { _blockList, _full, _prefixCount, _prefixRate, _pendingCap })
        {
            policy.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "baseline: HashSet<IPAddress>.Contains")]
    public bool HashSetLookup() => _blockedSet.Contains(_blocked);

    [Benchmark(Description = "refuse: blocked IPv4 address (for comparison)")]
    public DenyReason RefuseBlockedAddress() => _blockList.Manager.EvaluateAccept(_blocked).Decision.Reason;

    [Benchmark(Description = "refuse: MAX_CONNECTIONS reached (6)")]
    public DenyReason RefuseServerFull() => _full.Manager.EvaluateAccept(_anyone).Decision.Reason;

    [Benchmark(Description = "refuse: IPv6 address, its /64 at MAX_CONNECTIONS_PER_IP (2)")]
    public DenyReason RefusePrefixAtCount() => _prefixCount.Manager.EvaluateAccept(_neighbour).Decision.Reason;

    [Benchmark(Description = "refuse: IPv6 address, its /64 at CONNECTION_RATE_LIMIT (3)")]
    public DenyReason RefusePrefixAtRate() => _prefixRate.Manager.EvaluateAccept(_neighbour).Decision.Reason;

    [Benchmark(Description = "admit + release, under every limit (for comparison)")]
    public void AdmitAndRelease() => _blockList.Manager.EvaluateAccept(_clients[_next++ & 1023]).Slot!.Release();

    [Benchmark(Description = "admit at MAX_PENDING_HANDSHAKES, evicting the busiest /64's oldest (7), + release")]
    public void AdmitEvictingTheBusiestPrefix()
    {
        var admitted = _pendingCap.Manager.EvaluateAccept(_busyNewcomer).Slot!;
        _busyPending.Enqueue(admitted);
        // The victim is the prefix's oldest: the head of the queue. Its close releases it; here, at once.
        _busyPending.Dequeue().Release();
    }
}
