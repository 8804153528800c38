using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The accept gate with 100,000 allowed keys and 100,000 blocked addresses and ranges in force. Baseline: the
/// cheapest possible "is this address blocked" check, a HashSet of the blocked addresses (exact match only).
/// </summary>
[Config(typeof(ShortConfig))]
public class AcceptBenchmarks
{
    private const int ClientCount = 1024;
    private BenchPolicy _policy = null!;
    private HashSet<IPAddress> _blockedSet = null!;
    private IPAddress _blocked = null!;
    private IPAddress _blockedMapped = null!;
    private IPAddress _inBlockedCidr = null!;
    private IPAddress[] _clients = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _policy = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true));
        _blockedSet = [.. PolicyFiles.BlockedEntries.Where(e => !e.Contains('/', StringComparison.Ordinal)).Select(IPAddress.Parse)];
        _blocked = PolicyFiles.BlockedAddress;
        _blockedMapped = _blocked.MapToIPv6();
        _inBlockedCidr = PolicyFiles.AddressInBlockedCidr;
        _clients = PolicyFiles.Clients(ClientCount);
        Check(_policy.Manager.EvaluateAccept(_blocked).Decision.Reason == DenyReason.IpBlocked, "blocked address admitted");
        Check(_policy.Manager.EvaluateAccept(_inBlockedCidr).Decision.Reason == DenyReason.IpBlocked, "address in blocked range admitted");
        var admitted = _policy.Manager.EvaluateAccept(_clients[0]);
        Check(admitted.Allowed, "client refused");
        admitted.Slot!.Release();
    }

    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    [Benchmark(Baseline = true, Description = "baseline: HashSet<IPAddress>.Contains")]
    public bool HashSetLookup() => _blockedSet.Contains(_blocked);

    [Benchmark(Description = "refuse: blocked IPv4 address")]
    public DenyReason RefuseBlockedAddress() => _policy.Manager.EvaluateAccept(_blocked).Decision.Reason;

    [Benchmark(Description = "refuse: blocked address as ::ffff:")]
    public DenyReason RefuseBlockedMapped() => _policy.Manager.EvaluateAccept(_blockedMapped).Decision.Reason;

    [Benchmark(Description = "refuse: address in blocked CIDR")]
    public DenyReason RefuseInBlockedCidr() => _policy.Manager.EvaluateAccept(_inBlockedCidr).Decision.Reason;

    [Benchmark(Description = "admit + release (::ffff: client)")]
    public void AdmitAndRelease()
    {
        var result = _policy.Manager.EvaluateAccept(_clients[_next++ & (ClientCount - 1)]);
        result.Slot!.Release();
    }

    [Benchmark(Description = "OnNewConnection: reload check + admit + release")]
    public void OnNewConnectionAdmitAndRelease()
    {
        var result = _policy.Manager.OnNewConnection(_clients[_next++ & (ClientCount - 1)]);
        result.Slot!.Release();
    }

    internal static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("benchmark set-up is wrong: " + what);
        }
    }
}
