using System.Diagnostics.Metrics;
using System.Net;
using P2PSecurity.Core.Metrics;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Metrics;

public sealed class SecurityMetricsTests
{
    [Fact]
    public void Refusal_BlockedAddress_CountsByReasonWithNoAddressLabel()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.7\n");
        using var recorder = new Recorder(h.Manager.Metrics.Meter);

        h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.7"));
        h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.7"));
        recorder.Observe();

        var refused = Assert.Single(recorder.Longs, m => m.Name == "p2psecurity.connections.refused");
        Assert.Equal(2, refused.Value);
        Assert.Equal([("reason", "ip_blocked")], refused.Tags);
        Assert.DoesNotContain(recorder.Longs, m => m.Name == "p2psecurity.connections.accepted");
    }

    [Fact]
    public void Refusal_WithAListener_NothingRecordedUntilCollectedThenTheTotalByReason()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.7\n");
        using var recorder = new Recorder(h.Manager.Metrics.Meter);

        for (var i = 0; i < 3; i++)
        {
            h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.7"));
        }
        var onTheRefusalPath = recorder.Longs.Count(m => m.Name == "p2psecurity.connections.refused");
        recorder.Observe();
        h.Manager.OnNewConnection(IPAddress.Parse("203.0.113.7"));
        recorder.Observe();

        // The refusal itself records nothing (no listener call, no tag look-up per refusal): a collection reads the counts.
        Assert.Equal(0, onTheRefusalPath);
        var refused = recorder.Longs.Where(m => m.Name == "p2psecurity.connections.refused").Select(m => (m.Tags.Single().Value, m.Value)).ToList();
        Assert.Equal([("ip_blocked", 3L), ("ip_blocked", 4L)], refused);
    }

    [Fact]
    public void Accept_AdmittedConnection_CountsAcceptedAndMessagesByResult()
    {
        using var h = new ManagerHarness("MESSAGE_RATE_LIMIT=1/min\n");
        using var recorder = new Recorder(h.Manager.Metrics.Meter);

        var slot = h.Manager.OnNewConnection(IPAddress.Parse("198.51.100.1")).Slot!;
        h.Manager.EvaluateMessage(slot);
        h.Manager.EvaluateMessage(slot);

        Assert.Equal(1, recorder.Longs.Where(m => m.Name == "p2psecurity.connections.accepted").Sum(m => m.Value));
        var messages = recorder.Longs.Where(m => m.Name == "p2psecurity.messages").ToList();
        Assert.Equal([("result", "allowed")], messages[0].Tags);
        Assert.Equal([("result", "refused")], messages[1].Tags);
        slot.Release();
    }

    [Fact]
    public void Reload_AppliedThenInvalid_CountsEachResultAndGaugesFollowTheRevision()
    {
        using var h = new ManagerHarness("MAX_CONNECTIONS_PER_IP=5\n");
        using var recorder = new Recorder(h.Manager.Metrics.Meter);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Apply("MAX_CONNECTIONS_PER_IP=6\n");
        h.Apply("MAX_CONNECTIONS_PER_IP=lots\n");
        recorder.Observe();

        var reloads = recorder.Longs.Where(m => m.Name == "p2psecurity.policy.reloads").Select(m => m.Tags.Single().Value).ToList();
        Assert.Equal(["applied", "invalid"], reloads);
        Assert.Equal(2, recorder.Longs.Last(m => m.Name == "p2psecurity.policy.revision").Value);
        var success = recorder.Doubles.Last(m => m.Name == "p2psecurity.policy.last_reload_success_timestamp").Value;
        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, success);
        Assert.Equal(0, recorder.Ints.Last(m => m.Name == "p2psecurity.lockdown").Value);
    }

    [Fact]
    public void Reload_EmptiedFile_CountsEmptyOncePerEmptyingAndPerExplicitReload()
    {
        using var h = new ManagerHarness("BLOCKED_IP_ADDRESSES=203.0.113.7\n");
        using var recorder = new Recorder(h.Manager.Metrics.Meter);
        h.Manager.RacyWindow = TimeSpan.Zero;

        File.WriteAllBytes(h.PolicyPath, []);
        h.Manager.CheckConfigReload();
        File.SetLastWriteTimeUtc(h.PolicyPath, DateTime.UtcNow.AddMinutes(-1)); // seen again, still empty
        h.Manager.CheckConfigReload();
        h.Manager.Reload("control");

        var reloads = recorder.Longs.Where(m => m.Name == "p2psecurity.policy.reloads").Select(m => m.Tags.Single().Value).ToList();
        Assert.Equal(["empty", "empty"], reloads);
    }

    [Fact]
    public void Lockdown_Engaged_GaugeIsOne()
    {
        using var h = new ManagerHarness("");
        using var recorder = new Recorder(h.Manager.Metrics.Meter);

        h.Manager.EngageLockdown(new P2PSecurity.Core.Lockdown.LockdownOptions { Reason = "test" });
        recorder.Observe();

        Assert.Equal(1, recorder.Ints.Last(m => m.Name == "p2psecurity.lockdown").Value);
    }

    /// <summary>Every measurement of one meter's instruments, with its tags.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();

        public Recorder(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Longs.Add(new(i.Name, v, Tags(tags))));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Ints.Add(new(i.Name, v, Tags(tags))));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Doubles.Add(new(i.Name, v, Tags(tags))));
            _listener.Start();
        }

        public List<Measured<long>> Longs { get; } = [];

        public List<Measured<int>> Ints { get; } = [];

        public List<Measured<double>> Doubles { get; } = [];

        public void Observe() => _listener.RecordObservableInstruments();

        private static List<(string Key, string? Value)> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var list = new List<(string, string?)>();
            foreach (var t in tags)
            {
                list.Add((t.Key, t.Value?.ToString()));
            }
            return list;
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed record Measured<T>(string Name, T Value, List<(string Key, string? Value)> Tags);
}
