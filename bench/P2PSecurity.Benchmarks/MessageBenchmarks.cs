using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>The per-message gate (rate per address). Baseline: a lock and a counter, the least a shared per-address limit needs.</summary>
[Config(typeof(ShortConfig))]
public class MessageBenchmarks
{
    private const int ClientCount = 1024;
    private readonly Lock _lock = new();
    private BenchPolicy _open = null!;
    private BenchPolicy _limited = null!;
    private ConnectionSlot[] _slots = null!;
    private ConnectionSlot _limitedSlot = null!;
    private long _counter;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _open = new BenchPolicy(PolicyFiles.Text(keys: false, blocked: false));
        _limited = new BenchPolicy("MESSAGE_RATE_LIMIT=1/h\n");
        _slots = [.. PolicyFiles.Clients(ClientCount).Select(ip => _open.Manager.EvaluateAccept(ip).Slot!)];
        _limitedSlot = _limited.Manager.EvaluateAccept(PolicyFiles.Clients(1)[0]).Slot!;
        _limited.Manager.EvaluateMessage(_limitedSlot);
        AcceptBenchmarks.Check(_limited.Manager.EvaluateMessage(_limitedSlot).Reason == DenyReason.MessageRateExceeded, "rate not enforced");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _open.Dispose();
        _limited.Dispose();
    }

    [Benchmark(Baseline = true, Description = "baseline: lock + counter")]
    public long LockedCounter()
    {
        lock (_lock)
        {
            return ++_counter;
        }
    }

    [Benchmark(Description = "allow: message within the rate")]
    public bool Allowed() => _open.Manager.EvaluateMessage(_slots[_next++ & (ClientCount - 1)]).Allowed;

    [Benchmark(Description = "refuse: message rate exceeded")]
    public DenyReason RateExceeded() => _limited.Manager.EvaluateMessage(_limitedSlot).Reason;
}
