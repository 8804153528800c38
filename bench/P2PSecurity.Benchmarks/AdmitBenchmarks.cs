using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The decision for an admitted address alone: 100,000 admissions per iteration, their slots held and released
/// after the iteration (outside the measurement), as connections that stay open.
/// </summary>
[Config(typeof(AdmitConfig))]
public class AdmitBenchmarks
{
    private const int ClientCount = 1024;
    private readonly ConnectionSlot?[] _slots = new ConnectionSlot?[100_000];
    private BenchPolicy _policy = null!;
    private IPAddress[] _clients = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _policy = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true));
        _clients = PolicyFiles.Clients(ClientCount);
    }

    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    [IterationCleanup]
    public void ReleaseAll()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i]?.Release();
            _slots[i] = null;
        }
        _next = 0;
    }

    [Benchmark(Description = "admit (slot kept open)")]
    public void Admit()
    {
        var i = _next++;
        var result = _policy.Manager.EvaluateAccept(_clients[i & (ClientCount - 1)]);
        _slots[i] = result.Slot ?? throw new InvalidOperationException("refused: " + result.Decision);
    }
}
