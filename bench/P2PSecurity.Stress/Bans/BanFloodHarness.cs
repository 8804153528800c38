using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Storage;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.Bans;

/// <summary>
/// A flood of distinct offending addresses through the strike and automatic-ban path (docs/RELIABILITY.md, issue 13),
/// in this process: a real SecurityManager and BanList on a real state database, fed the refusals the pipeline
/// reports (<see cref="SecurityManager.ReportRefusal"/>). First one failed TLS handshake from each of
/// <c>--addresses</c> addresses (below the threshold: only the strike table, bounded at its capacity, grows); then
/// one protocol violation from each of as many other addresses (each one banned, up to MAX_BANS). Meanwhile an
/// admitted client and an allowed node are decided every millisecond. Figures: heap per offender record and per
/// ban against the figures the README states, the table sizes, and the decisions' latency.
/// </summary>
public static class BanFloodHarness
{
    /// <summary>README: the strike table's memory per remembered offender (its capacity is preallocated).</summary>
    public const int StatedBytesPerOffender = 150;

    /// <summary>README: the memory per automatic ban held (table, expiry queue, published snapshot, reason shared).</summary>
    public const int StatedBytesPerBan = 200;

    /// <summary>What the ban list holds whatever the number of bans: at most this much on top of the per-ban figure.</summary>
    private const long FixedBytes = 8L * 1024 * 1024;

    /// <summary>Strikes queued between two waits for the writer: under <see cref="BanList.MaxQueuedAutomaticBans"/>.</summary>
    private const int Pace = 8_000;

    public static async Task<HarnessReport> RunAsync(int addresses, int maxBans, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        using var folder = new TempFolder();
        var allowed = NodeKey.FromSubjectPublicKeyInfo([1, 2, 3]);
        folder.WriteEnv(new HarnessEnv()
            .Set(PolicyKeys.AutoBan, "on")
            .Set(PolicyKeys.AutoBanThreshold, 5)
            .Set(PolicyKeys.AutoBanExempt, "")
            .Set(PolicyKeys.MaxBans, maxBans)
            .Set(PolicyKeys.AllowedNodeKeys, allowed)
            .Set(PolicyKeys.MaxConnectionsPerIp, 100_000)
            .Set(PolicyKeys.ConnectionRateLimit, "1000000/s")
            .Set(PolicyKeys.LogSecurityEvents, "false")
            .ToString());
        var report = new HarnessReport("ban-flood", loadAtStart);
        using var manager = SecurityManager.Create(folder.EnvPath, NullLogger.Instance, TimeProvider.System);
        var database = SqliteBanStore.Open(folder.File("p2psecurity.db"));
        var heapBefore = Heap();
        using var bans = BanList.Open(database, () => manager.Policy.AutoBan, NullLogger.Instance);
        manager.AttachBans(bans);

        using var stopServing = new CancellationTokenSource();
        var serving = Task.Run(() => ServeAsync(manager, allowed, stopServing.Token), ct);

        progress($"{addresses:N0} addresses, one failed TLS handshake each (2 strikes, threshold 5)");
        var clock = Stopwatch.StartNew();
        await FloodAsync(manager, bans, 0x1400_0000u, addresses, DenyReason.AuthenticationFailed, progress, ct);
        var strikeSeconds = clock.Elapsed.TotalSeconds;
        var offenders = bans.Strikes.Count;
        var heapStrikes = Heap();
        var perOffender = (heapStrikes - heapBefore) / (double)bans.Strikes.Capacity;
        report.Info("strike_flood", addresses, string.Create(CultureInfo.InvariantCulture,
            $"{addresses:N0} addresses in {strikeSeconds:F1} s ({addresses / strikeSeconds:F0}/s), no ban made: {bans.Current.Bans.Count}"));
        var expectedOffenders = Math.Min(addresses, bans.Strikes.Capacity);
        report.Target("offenders_remembered", offenders, offenders.ToString("N0", CultureInfo.InvariantCulture),
            $"{expectedOffenders:N0} (min of addresses and the capacity)", offenders == expectedOffenders);
        report.Target("heap_per_offender_bytes", perOffender, string.Create(CultureInfo.InvariantCulture,
            $"{perOffender:F0} B ({Mib(heapStrikes - heapBefore):F1} MiB for {bans.Strikes.Capacity:N0} offenders, the list's fixed part included)"),
            $"<= {StatedBytesPerOffender} B (README)", perOffender <= StatedBytesPerOffender);

        progress($"{addresses:N0} other addresses, one protocol violation each (5 strikes: a ban each, MAX_BANS {maxBans:N0})");
        clock.Restart();
        await FloodAsync(manager, bans, 0x1E00_0000u, addresses, DenyReason.ProtocolViolation, progress, ct);
        var banSeconds = clock.Elapsed.TotalSeconds;
        var held = bans.Current.Bans.Count;
        var heapBans = Heap();
        var perBan = (heapBans - heapStrikes) / (double)Math.Max(1, held);
        report.Info("ban_flood", addresses, string.Create(CultureInfo.InvariantCulture,
            $"{addresses:N0} addresses in {banSeconds:F1} s ({addresses / banSeconds:F0}/s)"));
        var expectedHeld = Math.Min(addresses, maxBans);
        report.Target("bans_held", held, held.ToString("N0", CultureInfo.InvariantCulture), $"{expectedHeld:N0} (min of addresses and MAX_BANS)", held == expectedHeld);
        // Bounded by the stated figure per ban plus a fixed part (queues and the capacity collections keep after a
        // burst), which only matters for a small table.
        var bound = ((long)StatedBytesPerBan * held) + FixedBytes;
        report.Target("heap_per_ban_bytes", perBan, string.Create(CultureInfo.InvariantCulture,
            $"{perBan:F0} B ({Mib(heapBans - heapStrikes):F1} MiB for {held:N0} bans)"),
            string.Create(CultureInfo.InvariantCulture, $"<= {StatedBytesPerBan} B (README) x bans + {Mib(FixedBytes):F0} MiB = {Mib(bound):F1} MiB"),
            heapBans - heapStrikes <= bound);
        report.Info("heap_total_mib", Mib(heapBans), string.Create(CultureInfo.InvariantCulture,
            $"{Mib(heapBans):F0} MiB managed heap at the end; {Memory()}"));

        await stopServing.CancelAsync();
        var (latencies, wrong) = await serving;

        // A restart with the table full: the bans read back from the database into a fresh list.
        bans.Dispose();
        var heapClosed = Heap();
        clock.Restart();
        using (var reopened = BanList.Open(SqliteBanStore.Open(folder.File("p2psecurity.db")), () => manager.Policy.AutoBan, NullLogger.Instance))
        {
            var loadSeconds = clock.Elapsed.TotalSeconds;
            var loaded = reopened.Current.Bans.Count;
            var heapLoaded = Heap();
            // The new list's strike table is preallocated at its capacity, as the first one was: not a ban's.
            var banBytes = heapLoaded - heapClosed - (heapStrikes - heapBefore);
            var perLoaded = banBytes / (double)Math.Max(1, loaded);
            report.Target("bans_after_restart", loaded, string.Create(CultureInfo.InvariantCulture, $"{loaded:N0} read back in {loadSeconds:F1} s"),
                $"{held:N0} (the bans held)", loaded == held);
            report.Target("heap_per_ban_after_restart_bytes", perLoaded, string.Create(CultureInfo.InvariantCulture,
                $"{perLoaded:F0} B ({Mib(banBytes):F1} MiB for {loaded:N0} bans read back, the new strike table's {Mib(heapStrikes - heapBefore):F1} MiB not counted); {Memory()}"),
                $"<= {StatedBytesPerBan} B (README) x bans + {Mib(FixedBytes):F0} MiB", banBytes <= ((long)StatedBytesPerBan * loaded) + FixedBytes);
        }
        var summary = LatencySummary.Of(latencies);
        report.Zero("good_decisions_refused", wrong);
        report.Target("decisions_answered", latencies.Count, latencies.Count.ToString("N0", CultureInfo.InvariantCulture), "> 0", latencies.Count > 0);
        report.Info("decision_latency_ms", summary.P50Ms, summary + " (one admit + release and one allowed-node decision, every ms, during both floods)");

        return report;
    }

    /// <summary>One refusal for each of <paramref name="count"/> addresses from <paramref name="first"/> up, from two threads, paced to the writer.</summary>
    private static async Task FloodAsync(SecurityManager manager, BanList bans, uint first, int count, DenyReason reason, Action<string> progress, CancellationToken ct)
    {
        for (var start = 0; start < count; start += Pace)
        {
            var end = Math.Min(count, start + Pace);
            var middle = start + ((end - start) / 2);
            await Task.WhenAll(
                Task.Run(() => Refuse(manager, first, start, middle, reason), ct),
                Task.Run(() => Refuse(manager, first, middle, end, reason), ct));
            await bans.FlushAsync();
            if (end % 200_000 == 0)
            {
                progress($"  {end:N0}: {bans.Current.Bans.Count:N0} bans, {bans.Strikes.Count:N0} offenders remembered");
            }
        }
    }

    private static void Refuse(SecurityManager manager, uint first, int from, int to, DenyReason reason)
    {
        for (var i = from; i < to; i++)
        {
            var v = first + (uint)i;
            manager.ReportRefusal(new IPAddress([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]), null, reason);
        }
    }

    private static async Task<(List<TimeSpan> Latencies, int Wrong)> ServeAsync(SecurityManager manager, NodeKey allowed, CancellationToken stop)
    {
        var client = IPAddress.Parse("192.168.7.7");
        var latencies = new List<TimeSpan>();
        var wrong = 0;
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            var accept = manager.EvaluateAccept(client);
            var node = accept.Allowed ? manager.EvaluateNode(accept.Slot!, allowed, networkKeyProven: true) : accept.Decision;
            accept.Slot?.Release();
            latencies.Add(Stopwatch.GetElapsedTime(start));
            wrong += node.Allowed ? 0 : 1;
            try
            {
                await Task.Delay(1, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return (latencies, wrong);
    }

    /// <summary>Live managed bytes: after full, compacting collections of both heaps (the snapshots' arrays live in the large-object heap).</summary>
    private static long Heap()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>The process's resident memory now and at its peak, and what the GC holds committed.</summary>
    private static string Memory()
    {
        var stats = ProcessStats.Read(Environment.ProcessId);
        var gc = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture,
            $"process RSS {ProcessStats.Mib(stats.RssBytes):F0} MiB (peak {ProcessStats.Mib(stats.PeakRssBytes):F0} MiB), GC committed {Mib(gc.TotalCommittedBytes):F0} MiB, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, conserve memory {AppContext.GetData("System.GC.ConserveMemory") ?? Environment.GetEnvironmentVariable("DOTNET_GCConserveMemory") ?? "0"}");
    }
}
