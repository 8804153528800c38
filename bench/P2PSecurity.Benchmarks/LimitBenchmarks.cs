using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The accept gate's refusals by the limits: an IPv6 address whose /64 is at its per-address limits (IPV6_LIMIT_PREFIX
/// groups it with its neighbours), and any address while MAX_CONNECTIONS is reached. Both must stay as cheap as a
/// refused blocked address (at most 100 ns, 0 B). Baseline as in <see cref="AcceptBenchmarks"/>.
/// </summary>
[Config(typeof(ShortConfig))]
public class LimitBenchmarks
{
    private BenchPolicy _prefix = null!;
    private BenchPolicy _full = null!;
    private HashSet<IPAddress> _set = null!;
    private IPAddress _neighbour = null!;
    private IPAddress _anyone = null!;

    [GlobalSetup]
    public void Setup()
    {
        _prefix = new BenchPolicy("MAX_CONNECTIONS_PER_IP=3\nCONNECTION_RATE_LIMIT=3/h\n");
        for (var i = 1; i <= 3; i++)
        {
            AcceptBenchmarks.Check(_prefix.Manager.EvaluateAccept(IPAddress.Parse($"2001:db8:1:2::{i}")).Allowed, "a /64's first connections refused");
        }
        _neighbour = IPAddress.Parse("2001:db8:1:2:ffff::99");
        AcceptBenchmarks.Check(!_prefix.Manager.EvaluateAccept(_neighbour).Allowed, "a fourth address of the /64 admitted");

        _full = new BenchPolicy("MAX_CONNECTIONS=1\n");
        AcceptBenchmarks.Check(_full.Manager.EvaluateAccept(IPAddress.Parse("10.0.0.1")).Allowed, "first connection refused");
        _anyone = IPAddress.Parse("::ffff:10.0.0.2");
        AcceptBenchmarks.Check(_full.Manager.EvaluateAccept(_anyone).Decision.Reason == DenyReason.TooManyConnections, "MAX_CONNECTIONS not enforced");
        _set = [_neighbour, _anyone];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _prefix.Dispose();
        _full.Dispose();
    }

    [Benchmark(Baseline = true, Description = "baseline: HashSet<IPAddress>.Contains")]
    public bool HashSetLookup() => _set.Contains(_neighbour);

    [Benchmark(Description = "refuse: IPv6 address of a /64 at its limits")]
    public DenyReason RefuseSlash64Neighbour() => _prefix.Manager.EvaluateAccept(_neighbour).Decision.Reason;

    [Benchmark(Description = "refuse: MAX_CONNECTIONS reached")]
    public DenyReason RefuseServerFull() => _full.Manager.EvaluateAccept(_anyone).Decision.Reason;
}
