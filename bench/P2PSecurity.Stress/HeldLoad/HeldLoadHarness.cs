using System.Diagnostics;
using System.Globalization;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.HeldLoad;

/// <summary>
/// Held load (docs/RELIABILITY.md): thousands of authenticated connections held open, pinging and broadcasting
/// under MESSAGE_RATE_LIMIT while the .env is edited every second. Figures: the server's memory, messages lost
/// for allowed nodes (every ping answered, every broadcast relayed to every other session), reloads applied.
/// </summary>
public static class HeldLoadHarness
{
    public static async Task<HarnessReport> RunAsync(HeldLoadOptions options, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        var identities = Enumerable.Range(0, options.Identities).Select(_ => NodeIdentity.Create()).ToList();
        try
        {
            using var folder = new TempFolder();
            var editor = new PolicyEditor(folder, string.Join(",", identities.Select(i => i.NodeKey)), options.EditPieceBytes);
            editor.WriteInitial();
            await using var server = await ServerUnderTest.StartAsync(folder, options.ServerDll);
            server.Output.Collect("policy", "policy_(reloaded|change|rejected|error|warning)");
            // A few sessions first, so that the idle figures include what the server opens on first use (TLS, loops).
            await new AllowedNodeProbe(server.EndPoint, identities[0], new AddressPool(203)).MeasureAsync(3, ct);
            var baselineSockets = ServerSockets.SocketDescriptors(server.Pid);
            await using var sampler = new MemorySampler(server.Pid, TimeSpan.FromMilliseconds(250));
            var ledger = new HeldLedger();

            progress($"server pid {server.Pid}: connecting {options.Connections:N0} authenticated nodes, {options.ConnectConcurrency} handshakes at a time");
            var clock = Stopwatch.StartNew();
            var (held, failures) = await ConnectAllAsync(server, identities, ledger, options, progress, ct);
            var connectTime = clock.Elapsed;
            var connected = ProcessStats.Read(server.Pid);
            progress($"{held.Count:N0} connected in {connectTime.TotalSeconds:F0} s; server RSS {ProcessStats.Mib(connected.RssBytes):F0} MiB; holding {options.Hold.TotalSeconds:F0} s");

            using var hold = new CancellationTokenSource(options.Hold);
            // Revision 1 is the policy the server started with; nothing else has changed the file since.
            var editing = editor.RunAsync(server, 1, options.ReloadInterval, TimeSpan.FromSeconds(5), hold.Token);
            var pinging = held.Select((c, i) => c.PingLoopAsync(options.PingInterval, i, hold.Token)).ToList();
            var broadcasting = BroadcastLoopAsync(held, options.BroadcastInterval, hold.Token);
            var checks = new long[1];
            var checking = Enumerable.Range(0, options.CheckFlood).Select(_ => CheckLoopAsync(server.EndPoint, checks, hold.Token));
            await Task.WhenAll(pinging.Append(editing).Append(broadcasting).Concat(checking));
            var heldRss = ProcessStats.Read(server.Pid);

            // Everything sent is owed an answer: wait for the last pongs and relays, and for the last edit to apply.
            var drained = await UntilAsync(() => ledger.AwaitingPong == 0 && ledger.MissingRelays == 0, TimeSpan.FromSeconds(20), ct);

            progress("leaving");
            await Task.WhenAll(held.Select(c => c.LeaveAsync()));
            var (stillOpen, stillHeld) = await ServerSockets.SettleAsync(server.Pid, server.Port, baselineSockets, TimeSpan.FromSeconds(60), ct);
            var end = await sampler.StopAsync();
            var exited = server.HasExited;

            var perConnectionKib = held.Count == 0 ? 0 : (connected.RssBytes - sampler.Start.RssBytes) / 1024.0 / held.Count;
            var report = new HarnessReport("held-load", loadAtStart)
                .Cpu(sampler)
                .Target("connections_held", held.Count, string.Create(CultureInfo.InvariantCulture,
                    $"{held.Count:N0} of {options.Connections:N0} (connected in {connectTime.TotalSeconds:F0} s; server descriptors at peak {sampler.PeakOpenFiles:N0})"),
                    $"{options.Connections:N0}", held.Count == options.Connections)
                .Zero("server_exits", exited ? 1 : 0)
                .Zero("pings_unanswered", ledger.AwaitingPong)
                .Zero("broadcast_relays_missing", ledger.MissingRelays)
                .Zero("duplicate_relays", ledger.DuplicateRelays)
                .Zero("messages_dropped_by_rate_limit", ledger.Dropped)
                .Zero("held_connections_lost", ledger.ClosedUnexpectedly + ledger.Refusals + ledger.SendFailures)
                .Info("messages", ledger.PingsSent + ledger.BroadcastsSent, string.Create(CultureInfo.InvariantCulture,
                    $"{ledger.PingsSent:N0} pings ({ledger.Pongs:N0} pongs), {ledger.BroadcastsSent} broadcasts ({ledger.Relays:N0} relays) in {options.Hold.TotalSeconds:F0} s"))
                .Target("reloads_applied", editor.Applied, $"{editor.Applied} of {editor.Edits} edits (each written in place {(options.EditPieceBytes > 0 ? $"in {options.EditPieceBytes:N0}-byte pieces" : "in one write")}, one per {options.ReloadInterval.TotalMilliseconds:N0} ms once the last was applied)",
                    $"{editor.Edits} (every edit in force within 5 s)", editor.Applied == editor.Edits && editor.Edits > 0)
                .Info("check_flood", checks[0], options.CheckFlood == 0 ? "none"
                    : string.Create(CultureInfo.InvariantCulture, $"{checks[0]:N0} refused connections from {PolicyEditor.CheckFloodSource} during the hold ({checks[0] / options.Hold.TotalSeconds:N0}/s), each a check of the .env"))
                .Info("reload_latency", editor.Latency.P99Ms, $"{editor.Latency} from writing the file to the server's policy_reloaded line")
                .Info("rss_mib", ProcessStats.Mib(sampler.PeakRssBytes), string.Create(CultureInfo.InvariantCulture,
                    $"idle {ProcessStats.Mib(sampler.Start.RssBytes):F0}, connected {ProcessStats.Mib(connected.RssBytes):F0}, after the hold {ProcessStats.Mib(heldRss.RssBytes):F0}, peak {ProcessStats.Mib(sampler.PeakRssBytes):F0}, after leaving {ProcessStats.Mib(end.RssBytes):F0} MiB"))
                .Info("rss_per_connection_kib", perConnectionKib, $"{perConnectionKib:F1} KiB (connected - idle) / connections")
                .Zero("server_connections_left_open", stillOpen)
                .Zero("server_sockets_not_released", stillHeld)
                .Info("open_files", end.OpenFiles, $"start {sampler.Start.OpenFiles}, peak {sampler.PeakOpenFiles}, end {end.OpenFiles}")
                .Info("drained", drained ? 1 : 0, drained ? "every answer arrived within 20 s of the hold's end" : "answers still missing 20 s after the hold");
            foreach (var failure in failures.Take(10).Concat(ledger.Details).Concat(editor.Misses.Take(10)))
            {
                report.Note(failure);
            }
            // Each edit changes the block list and the message limit only; a change to anything else, a rejected file or
            // a warning means the server applied (or read) something the editor never wrote, e.g. a half-written file.
            var unexpected = server.Output.Collected("policy").Where(l => !IsExpectedChange(l)).ToList();
            report.Zero("unexpected_policy_changes", unexpected.Count);
            foreach (var line in unexpected.Take(20))
            {
                report.Note("unexpected policy line: " + line);
            }
            await server.StopAsync(TimeSpan.FromSeconds(15));
            return report;
        }
        finally
        {
            identities.ForEach(i => i.Dispose());
        }
    }

    private static async Task<(List<HeldConnection> Held, List<string> Failures)> ConnectAllAsync(ServerUnderTest server,
        List<NodeIdentity> identities, HeldLedger ledger, HeldLoadOptions options, Action<string> progress, CancellationToken ct)
    {
        var held = new List<HeldConnection>(options.Connections);
        var failures = new List<string>();
        var addresses = new AddressPool(40);
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        var tasks = Enumerable.Range(0, options.Connections).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var identity = identities[i % identities.Count];
                var (client, result) = await NodeClient.ConnectAndHandshakeAsync(new NodeClientOptions
                {
                    Server = server.EndPoint,
                    LocalAddress = addresses.Next(),
                    Identity = identity,
                    ConnectTimeout = TimeSpan.FromSeconds(60),
                }, ct);
                lock (held)
                {
                    if (!result.Welcomed)
                    {
                        failures.Add($"connection {i}: {result}");
                        return;
                    }
                    var connection = new HeldConnection(client, identity.NodeKey, ledger);
                    connection.StartReceiving();
                    held.Add(connection);
                    if (held.Count % 1000 == 0)
                    {
                        progress($"{held.Count:N0} connected, server RSS {ProcessStats.Mib(server.Stats().RssBytes):F0} MiB, descriptors {server.Stats().OpenFiles:N0}");
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException
                or OperationCanceledException && !ct.IsCancellationRequested)
            {
                lock (held)
                {
                    failures.Add($"connection {i}: {ex.GetType().Name}: {ex.Message}");
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return (held, failures);
    }

    /// <summary>One connection after another (in turn) broadcasts; every other session with another node key is owed a relay.</summary>
    private static async Task BroadcastLoopAsync(List<HeldConnection> held, TimeSpan interval, CancellationToken stop)
    {
        if (held.Count == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval);
        var turn = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var sender = held[turn++ % held.Count];
                await sender.BroadcastAsync(held.Count(c => c.Key != sender.Key));
            }
        }
        catch (OperationCanceledException)
        {
            // The hold is over.
            return;
        }
    }

    /// <summary>Connects from the blocked address again and again: each connection makes the server check the .env.</summary>
    private static async Task CheckLoopAsync(System.Net.IPEndPoint server, long[] count, CancellationToken stop)
    {
        var source = System.Net.IPAddress.Parse(PolicyEditor.CheckFloodSource);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var socket = await RawSocket.ConnectAsync(server, source, stop);
                await RawSocket.WaitForCloseAsync(socket, TimeSpan.FromSeconds(2), CancellationToken.None);
                Interlocked.Increment(ref count[0]);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The port range of one source address is finite: back off a moment and go on.
                await Task.Delay(10, CancellationToken.None);
            }
        }
    }

    /// <summary>A reload line, or a change to one of the two settings the editor changes.</summary>
    private static bool IsExpectedChange(string line) =>
        line.Contains("policy_reloaded", StringComparison.Ordinal) ||
        line.Contains("policy_change", StringComparison.Ordinal) &&
        (line.Contains("BLOCKED_IP_ADDRESSES", StringComparison.Ordinal) || line.Contains("MESSAGE_RATE_LIMIT", StringComparison.Ordinal));

    /// <summary>Polls (these conditions raise no event) every 100 ms until true or the bound passes.</summary>
    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan bound, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > bound)
            {
                return false;
            }
            await Task.Delay(100, ct);
        }
        return true;
    }
}
