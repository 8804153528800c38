using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using P2PSecurity.Core.Metrics;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// A refusal at accept with the OpenTelemetry SDK listening to the manager's meter (as METRICS_ADDRESS does; the
/// Prometheus exporter is a pull reader like the in-memory one used here, so a measurement takes the same path)
/// and without. Each value of <see cref="Exporter"/> runs in a process of its own. The third row is what every
/// refusal also did before the refusals counter was observed: <c>Counter.Add</c> with the reason's tag.
/// </summary>
[Config(typeof(ShortConfig))]
public class MetricsRefusalBenchmarks
{
    private BenchPolicy _policy = null!;
    private MeterProvider? _provider;
    private Counter<long> _perCallCounter = null!;
    private readonly List<Metric> _exported = [];

    [Params(false, true)]
    public bool Exporter { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _policy = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true));
        _perCallCounter = _policy.Manager.Metrics.Meter.CreateCounter<long>("bench.refused.per_call");
        if (Exporter)
        {
            _provider = Sdk.CreateMeterProviderBuilder().AddMeter(SecurityMetrics.MeterName).AddInMemoryExporter(_exported).Build();
        }
        AcceptBenchmarks.Check(_policy.Manager.EvaluateAccept(PolicyFiles.BlockedAddress).Decision.Reason == DenyReason.IpBlocked, "blocked address admitted");
        AcceptBenchmarks.Check(_perCallCounter.Enabled == Exporter, "the exporter does not listen as the parameter says");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.ForceFlush();
        AcceptBenchmarks.Check(!Exporter || _exported.Any(m => m.Name == "p2psecurity.connections.refused"), "the exporter collected no refusals");
        _provider?.Dispose();
        _policy.Dispose();
    }

    [Benchmark(Baseline = true, Description = "refuse: blocked IPv4 address")]
    public DenyReason Refuse() => _policy.Manager.EvaluateAccept(PolicyFiles.BlockedAddress).Decision.Reason;

    [Benchmark(Description = "refuse + Counter.Add(1, reason) (the refusal path before)")]
    public DenyReason RefuseAndAddPerCall()
    {
        var reason = _policy.Manager.EvaluateAccept(PolicyFiles.BlockedAddress).Decision.Reason;
        _perCallCounter.Add(1, new KeyValuePair<string, object?>("reason", reason.Code()));
        return reason;
    }
}
