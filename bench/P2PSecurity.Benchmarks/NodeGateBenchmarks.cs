using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>The node gate after TLS, in whitelist mode with 100,000 allowed keys. Baseline: a HashSet of hex strings.</summary>
[Config(typeof(ShortConfig))]
public class NodeGateBenchmarks
{
    private BenchPolicy _policy = null!;
    private HashSet<string> _hexSet = null!;
    private string _allowedHex = null!;
    private NodeKey _allowed;
    private NodeKey _unknown;
    private NodeKey _blocked;
    private ConnectionSlot _slot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _blocked = PolicyFiles.Key(PolicyFiles.Count + 1);
        _policy = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true, extra: $"BLOCKED_NODE_KEYS={_blocked}\n"));
        _hexSet = [.. Enumerable.Range(0, PolicyFiles.Count).Select(i => PolicyFiles.Key(i).ToString())];
        _allowed = PolicyFiles.Key(54_321);
        _allowedHex = _allowed.ToString();
        _unknown = PolicyFiles.Key(PolicyFiles.Count + 2);
        _slot = _policy.Manager.EvaluateAccept(IPAddress.Parse("::ffff:192.168.7.7")).Slot!;
        AcceptBenchmarks.Check(_policy.Manager.EvaluateNode(_slot, _allowed, true).Allowed, "allowed key refused");
        AcceptBenchmarks.Check(_policy.Manager.EvaluateNode(_slot, _unknown, true).Reason == DenyReason.NodeNotAllowed, "unknown key allowed");
        AcceptBenchmarks.Check(_policy.Manager.EvaluateNode(_slot, _blocked, true).Reason == DenyReason.NodeBlocked, "blocked key allowed");
    }

    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    [Benchmark(Baseline = true, Description = "baseline: HashSet<string>.Contains(hex)")]
    public bool HashSetLookup() => _hexSet.Contains(_allowedHex);

    [Benchmark(Description = "allow: key in the allow list")]
    public bool Allowed() => _policy.Manager.EvaluateNode(_slot, _allowed, networkKeyProven: true).Allowed;

    [Benchmark(Description = "refuse: key not in the allow list")]
    public DenyReason NotAllowed() => _policy.Manager.EvaluateNode(_slot, _unknown, networkKeyProven: true).Reason;

    [Benchmark(Description = "refuse: blocked key")]
    public DenyReason Blocked() => _policy.Manager.EvaluateNode(_slot, _blocked, networkKeyProven: true).Reason;
}
