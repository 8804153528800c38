using System.Diagnostics;
using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// An allowed node connecting, being welcomed and saying goodbye, again and again, each time from a fresh address
/// (so the per-address limits of the harness .env never refuse it). Its handshake latency (TCP connect, TLS and
/// node handshake until the Welcome) is the figure "is the server still serving" while under attack.
/// </summary>
public sealed class AllowedNodeProbe(IPEndPoint server, NodeIdentity identity, AddressPool addresses, string? secret = null)
{
    /// <summary>Longest a probe waits for its welcome before it counts as not served.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    public async Task<ProbeOutcome> OnceAsync(CancellationToken ct)
    {
        var options = new NodeClientOptions
        {
            Server = server,
            LocalAddress = addresses.Next(),
            Identity = identity,
            NetworkSecret = secret,
            ConnectTimeout = Timeout,
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            var (client, result) = await NodeClient.ConnectAndHandshakeAsync(options, cts.Token);
            var latency = clock.Elapsed;
            await using (client)
            {
                if (result.Welcomed)
                {
                    await client.GoodbyeAsync(cts.Token);
                }
                return new ProbeOutcome(result.Welcomed, latency, result.Welcomed ? null : $"from {options.LocalAddress}: {result}");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new ProbeOutcome(false, clock.Elapsed, $"from {options.LocalAddress}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// Probes <paramref name="count"/> times one after another, after <paramref name="warmUp"/> probes that are not
    /// counted (the first handshakes of a process pay for JIT compilation on both sides).
    /// </summary>
    public async Task<ProbeSeries> MeasureAsync(int count, CancellationToken ct, int warmUp = 0)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await OnceAsync(ct);
        }
        var series = new ProbeSeries();
        for (var i = 0; i < count; i++)
        {
            series.Add(await OnceAsync(ct));
        }
        return series;
    }

    /// <summary>Probes every <paramref name="interval"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task<ProbeSeries> RunUntilAsync(TimeSpan interval, CancellationToken stop)
    {
        var series = new ProbeSeries();
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            // The probe itself is not cut short by the stop: a probe under way finishes and counts.
            series.Add(await OnceAsync(CancellationToken.None));
            var rest = interval - Stopwatch.GetElapsedTime(started);
            if (rest > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(rest, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        return series;
    }
}
