using System.Diagnostics;
using System.Diagnostics.Metrics;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Metrics;

/// <summary>
/// The security manager's instruments (<see cref="System.Diagnostics.Metrics"/>), one meter per manager so that
/// two managers in one process (tests) never mix. No exporter here: the server exposes them in the Prometheus
/// format when METRICS_ADDRESS asks for it. With no listener every call is a check of one flag. No instrument
/// carries an address or a node key: a label per peer would let a flood of addresses grow the series without bound.
/// </summary>
public sealed class SecurityMetrics : IDisposable
{
    /// <summary>The meter's name; an exporter subscribes to it.</summary>
    public const string MeterName = "P2PSecurity";

    /// <summary>Handshake buckets in seconds: a loopback TLS 1.3 handshake takes milliseconds, a timeout 10 s.</summary>
    private static readonly double[] HandshakeBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _handshake;
    private long _lastSuccessUnixMs;

    internal SecurityMetrics(SecurityManager manager, DateTimeOffset startedAt)
    {
        _lastSuccessUnixMs = startedAt.ToUnixTimeMilliseconds();
        Meter = new Meter(MeterName, typeof(SecurityMetrics).Assembly.GetName().Version?.ToString());
        _accepted = Meter.CreateCounter<long>("p2psecurity.connections.accepted", description: "Connections admitted by the accept gate.");
        // Observed, not counted per call: the manager already counts every refusal by reason (one interlocked
        // increment), so with an exporter listening a refusal costs nothing more than with none, and a flood of
        // refusals does not go through the listener's tag look-up once each. The exporter reads the counts when it
        // collects (a scrape).
        Meter.CreateObservableCounter("p2psecurity.connections.refused", () => Refusals(manager), description: "Connections and messages refused, by reason code.");
        _messages = Meter.CreateCounter<long>("p2psecurity.messages", description: "Messages checked by the per-message gate, by result (allowed, refused).");
        _reloads = Meter.CreateCounter<long>("p2psecurity.policy.reloads", description: "Policy reloads that did something, by result (applied, invalid, missing).");
        _handshake = Meter.CreateHistogram("p2psecurity.handshake.duration", "s", "From accept to the node gate's decision.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HandshakeBuckets });
        Meter.CreateObservableUpDownCounter("p2psecurity.sessions", () => Sessions(manager), description: "Welcomed sessions now, by direction (inbound, outbound).");
        Meter.CreateObservableGauge("p2psecurity.policy.revision", () => manager.Policy.Revision, description: "The policy revision in force.");
        Meter.CreateObservableGauge("p2psecurity.policy.last_reload_success_timestamp", () => Interlocked.Read(ref _lastSuccessUnixMs) / 1000.0, "s",
            "When the policy in force was put in force (Unix time).");
        Meter.CreateObservableGauge("p2psecurity.lockdown", () => manager.LockdownInForce(manager.Policy).Active ? 1 : 0,
            description: "1 while lockdown refuses new connections (reload_security lockdown or LOCKDOWN=true).");
    }

    /// <summary>The meter holding the instruments.</summary>
    public Meter Meter { get; }

    internal void Accepted() => _accepted.Add(1);

    internal void Message(bool allowed)
    {
        if (_messages.Enabled)
        {
            _messages.Add(1, new KeyValuePair<string, object?>("result", allowed ? "allowed" : "refused"));
        }
    }

    internal void Handshake(long openedTimestamp, TimeProvider time)
    {
        if (_handshake.Enabled)
        {
            _handshake.Record(time.GetElapsedTime(openedTimestamp).TotalSeconds);
        }
    }

    internal void Reloaded(ReloadResult result)
    {
        if (result.Outcome == ReloadOutcome.Applied)
        {
            Interlocked.Exchange(ref _lastSuccessUnixMs, result.At.ToUnixTimeMilliseconds());
        }
        if (_reloads.Enabled)
        {
            _reloads.Add(1, new KeyValuePair<string, object?>("result", result.Outcome.ToString().ToLowerInvariant()));
        }
    }

    private static List<Measurement<long>> Refusals(SecurityManager manager)
    {
        var counts = manager.RefusalCounts;
        var measurements = new List<Measurement<long>>(counts.Count);
        foreach (var (reason, count) in counts)
        {
            measurements.Add(new Measurement<long>(count, new KeyValuePair<string, object?>("reason", reason.Code())));
        }
        return measurements;
    }

    private static IEnumerable<Measurement<long>> Sessions(SecurityManager manager)
    {
        long inbound = 0, outbound = 0;
        foreach (var slot in manager.LiveConnections)
        {
            if (slot.Authenticated)
            {
                _ = slot.Outbound ? outbound++ : inbound++;
            }
        }
        return
        [
            new Measurement<long>(inbound, new KeyValuePair<string, object?>("direction", "inbound")),
            new Measurement<long>(outbound, new KeyValuePair<string, object?>("direction", "outbound")),
        ];
    }

    public void Dispose() => Meter.Dispose();
}
