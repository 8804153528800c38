using System.Globalization;
using System.Text;
using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;
using P2PSecurity.LoadGen.Measure;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// Connections refused per second from a blocked address while the policy file (100,000 blocked addresses) is
/// replaced by rename every 500 ms with one entry changed (issue 9). Subject: the node server on that file, replaced
/// during its rounds. Baseline: an identical node server on an identical file that nobody touches. Both run the same
/// code, so the ratio is what reloads cost the refusals.
/// </summary>
internal static class RefusedDuringReloadFigure
{
    public const int FileEntries = 100_000;

    public static readonly TimeSpan ReplaceEvery = TimeSpan.FromMilliseconds(500);

    public static async Task<FigureReport> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var sources = new SourceAddresses(10, 16);
        var concurrency = settings.Concurrency ?? 32;
        var blocked = sources.All.Select(a => a.ToString()).ToList();
        using var subjectFolder = BenchFolder.Create("reload-subject", Policy(blocked, generation: 0));
        using var baselineFolder = BenchFolder.Create("reload-baseline", Policy(blocked, generation: 0));
        await using var subject = await subjectFolder.Arm("subject", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        await using var baseline = await baselineFolder.Arm("baseline", ArmKind.Node).StartAsync(settings.Isolated, ct).ConfigureAwait(false);
        var checks = new Checks();
        var generation = 0;
        var replaced = 0;
        settings.Progress($"refused connections during reloads: {settings.Round}, file of {FileEntries:N0} entries replaced every {ReplaceEvery.TotalMilliseconds:0} ms");
        var pairs = await SideBySide.RunAsync(settings.Rounds, async (isSubject, round) =>
        {
            var arm = isSubject ? subject : baseline;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var replacer = isSubject ? ReplaceAsync(subjectFolder.Path, blocked, () => ++generation, () => replaced++, stop.Token) : Task.CompletedTask;
            var before = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            var result = await LoadLoop.RunAsync(concurrency, new RefusedConnect(arm.EndPoint, sources).RunAsync, settings.SpecOf(round), Probe.Cpu(arm), ct).ConfigureAwait(false);
            var after = await arm.StatsAsync(false, ct).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await replacer.ConfigureAwait(false);
            checks.NoFailures(arm, round, result);
            checks.Equal(arm, round, "peers welcomed", 0, after.Counters.Welcomed - before.Counters.Welcomed);
            return new RoundOutcome(result.Rate, Probe.CpuPerOp(arm, result), after.JitMethods - before.JitMethods, Probe.AllocatedPerOp(arm, before, after, result));
        }, settings.Progress, settings.WarmupRound).ConfigureAwait(false);
        return new FigureReport
        {
            Title = "Refused connections per second from a blocked IP while the policy file is reloaded",
            Unit = "refused connections/s",
            Subject = $"node server, {FileEntries:N0} blocked addresses plus the 16 client addresses; the file replaced by rename every {ReplaceEvery.TotalMilliseconds:0} ms with one entry changed ({replaced:N0} replacements)",
            Baseline = "an identical node server on an identical file that is never touched",
            Load = $"{concurrency} concurrent clients from 127.10.0.1-16: connect, wait for the close; {settings.Round}",
            SecondaryUnit = settings.Isolated ? "server CPU µs/connection" : null,
            Target = 0.9,
            Pairs = pairs,
            Problems = checks.Problems,
        };
    }

    private static async Task ReplaceAsync(string folder, IReadOnlyList<string> blocked, Func<int> nextGeneration, Action counted, CancellationToken ct)
    {
        var path = Path.Combine(folder, ".env");
        try
        {
            using var timer = new PeriodicTimer(ReplaceEvery);
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var temp = path + ".next";
                await File.WriteAllTextAsync(temp, Policy(blocked, nextGeneration()), ct).ConfigureAwait(false);
                File.Move(temp, path, overwrite: true);
                counted();
            }
        }
        catch (OperationCanceledException)
        {
            // The round is over.
            return;
        }
    }

    /// <summary>
    /// 100,000 blocked addresses in 10.0.0.0/8 (the entry at <paramref name="generation"/> mod 100,000 moved to 11.x,
    /// so each generation differs from the last in one entry), the load's addresses, and limits set high.
    /// </summary>
    public static string Policy(IReadOnlyList<string> blocked, int generation)
    {
        var changed = generation % FileEntries;
        var text = new StringBuilder(2 * 1024 * 1024)
            .Append("MAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=1000000/s\nLOG_SECURITY_EVENTS=true\n")
            .Append("SECURITY_LOG_FILE=security.log\nNODE_IDENTITY_FILE=node_identity.pem\n")
            .Append("BLOCKED_IP_ADDRESSES=\"");
        foreach (var address in blocked)
        {
            text.Append(address).Append('\n');
        }
        for (var i = 0; i < FileEntries; i++)
        {
            var first = generation > 0 && i == changed ? 11 : 10;
            text.Append(CultureInfo.InvariantCulture, $"{first}.{i >> 16}.{(i >> 8) & 255}.{i & 255}\n");
        }
        return text.Append("\"\n").ToString();
    }
}
