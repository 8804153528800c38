namespace P2PSecurity.Stress.Infrastructure;

/// <summary>A run of probes.</summary>
public sealed class ProbeSeries
{
    private readonly List<TimeSpan> _latencies = [];
    private readonly List<string> _errors = [];

    public int Attempts { get; private set; }

    public int Failures { get; private set; }

    public IReadOnlyList<string> Errors => _errors;

    public LatencySummary Latency => LatencySummary.Of(_latencies);

    public void Add(ProbeOutcome outcome)
    {
        Attempts++;
        if (outcome.Welcomed)
        {
            _latencies.Add(outcome.Latency);
        }
        else
        {
            Failures++;
            if (_errors.Count < 10)
            {
                _errors.Add(outcome.Error ?? "not welcomed");
            }
        }
    }
}
