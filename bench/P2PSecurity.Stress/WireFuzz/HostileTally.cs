using System.Collections.Concurrent;
using System.Globalization;
using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>Counts hostile connections by kind and result (thread-safe), with the first details of anything wrong.</summary>
internal sealed class HostileTally
{
    private readonly ConcurrentDictionary<(HostileKind, HostileResult), int> _counts = new();
    private readonly ConcurrentQueue<TimeSpan> _oversizeCloses = new();
    private readonly ConcurrentQueue<string> _details = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public void Add(HostileKind kind, HostileOutcome outcome)
    {
        Interlocked.Increment(ref _total);
        _counts.AddOrUpdate((kind, outcome.Result), 1, (_, n) => n + 1);
        if (outcome.Result == HostileResult.ClosedByServer && outcome.CloseAfterOffence is { } elapsed &&
            kind is HostileKind.HugeDeclaredLength or HostileKind.SessionHugeDeclaredLength)
        {
            _oversizeCloses.Enqueue(elapsed);
        }
        if (outcome.Result is HostileResult.LeftOpen or HostileResult.Unexpected or HostileResult.ConnectFailed && _details.Count < 20)
        {
            _details.Enqueue($"{kind}: {outcome.Result}: {outcome.Detail}");
        }
    }

    public int Count(HostileResult result) => _counts.Where(c => c.Key.Item2 == result).Sum(c => c.Value);

    /// <summary>From the offending length prefix to the server's close, for declared lengths over the maximum.</summary>
    public LatencySummary OversizeCloses => LatencySummary.Of(_oversizeCloses);

    public IEnumerable<string> Details => _details;

    /// <summary>One line per kind: how many, and how they ended.</summary>
    public IEnumerable<string> PerKind() =>
        Enum.GetValues<HostileKind>().Select(kind =>
        {
            var results = Enum.GetValues<HostileResult>()
                .Select(r => (r, n: _counts.GetValueOrDefault((kind, r))))
                .Where(x => x.n > 0)
                .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.r} {x.n}"));
            return $"{kind}: {string.Join(", ", results)}";
        });
}
