using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.ControlFuzz;

/// <summary>
/// The control channel (docs/RELIABILITY.md): another local user is refused by the socket's permissions, and by
/// the server's peer check (SO_PEERCRED) when the socket is loosened to 0666, and
/// hostile requests (random bytes, cut or mis-shaped JSON, nesting 20,000 deep, unknown types and versions,
/// oversized, invalid UTF-8, silence) each get an error reply while the server keeps serving its operator.
/// </summary>
public static class ControlFuzzer
{
    /// <summary>A silent client is answered after the server's 5 s request timeout.</summary>
    private static readonly TimeSpan ReplyBound = TimeSpan.FromSeconds(15);

    public static async Task<HarnessReport> RunAsync(ControlFuzzOptions options, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        using var folder = new TempFolder();
        folder.WriteEnv("MAX_CONNECTIONS_PER_IP=3\n");
        await using var server = await ServerUnderTest.StartAsync(folder, options.ServerDll);
        var socketPath = ControlSocketPath.ForPolicyFile(folder.EnvPath);
        // The node listener is up when StartAsync returns; the control socket opens beside it, a moment later.
        await server.WaitForOutputAsync("control_listening", TimeSpan.FromSeconds(30));
        var report = new HarnessReport("control", loadAtStart);

        if (OperatingSystem.IsLinux())
        {
            await OtherUserAsync(folder, socketPath, report, progress, ct);
        }

        var baselineFiles = server.Stats().OpenFiles;
        await using var sampler = new MemorySampler(server.Pid, TimeSpan.FromMilliseconds(100));
        var kinds = Enum.GetValues<GarbageKind>();
        var noReply = new ConcurrentQueue<string>();
        var unexpected = new ConcurrentQueue<string>();
        var codes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        int sent = 0, validSent = 0, errors = 0, validAnswered = 0, controls = 0, controlsFailed = 0, next = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(options.Seed, worker));
            var garbage = new ControlGarbage(random);
            int i;
            while ((i = Interlocked.Increment(ref next)) <= options.Count && !ct.IsCancellationRequested)
            {
                // Silence costs the server's 5 s timeout: one in fifty, so the run stays short.
                var kind = random.Next(50) == 0 ? GarbageKind.SilentAfterPart : kinds[random.Next(kinds.Length - 1)];
                var reply = await TryAsync(socketPath, garbage.Build(kind), closeSend: kind != GarbageKind.SilentAfterPart, ct);
                Interlocked.Increment(ref sent);
                if (ControlGarbage.IsValidRequest(kind))
                {
                    Interlocked.Increment(ref validSent);
                }
                if (reply is null)
                {
                    noReply.Enqueue(kind.ToString());
                }
                else if (ControlGarbage.IsValidRequest(kind))
                {
                    Interlocked.Increment(ref validAnswered);
                }
                else if (!reply.Ok && reply.Error is { Code.Length: > 0 } error)
                {
                    Interlocked.Increment(ref errors);
                    codes.AddOrUpdate($"{kind}: {error.Code}", 1, (_, n) => n + 1);
                }
                else
                {
                    unexpected.Enqueue($"{kind}: answered ok");
                }
                if (i % options.ControlEvery == 0)
                {
                    Interlocked.Increment(ref controls);
                    if (await TryAsync(socketPath, ControlGarbage.Status(), closeSend: true, ct) is not { Ok: true })
                    {
                        Interlocked.Increment(ref controlsFailed);
                    }
                }
                if (i % 500 == 0)
                {
                    progress($"{i:N0} hostile requests, {clock.Elapsed.TotalSeconds:F0} s, server RSS {ProcessStats.Mib(sampler.Last.RssBytes):F0} MiB");
                }
            }
        }, ct)).ToList();
        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var finalStatus = await TryAsync(socketPath, ControlGarbage.Status(), closeSend: true, ct);
        // Descriptors of the hostile connections are released: give the last closes a moment.
        await Task.Delay(500, ct);
        var end = await sampler.StopAsync();
        var invalid = sent - validSent;

        report
            .Info("hostile_requests", sent, string.Create(CultureInfo.InvariantCulture, $"{sent:N0} in {elapsed.TotalSeconds:F1} s, {options.Concurrency} at once"))
            .Zero("server_exits", server.HasExited ? 1 : 0)
            .Target("error_replies", errors, $"{errors:N0} of {invalid:N0} invalid requests answered with an error code", "all", errors == invalid)
            .Zero("no_reply", noReply.Count)
            .Zero("invalid_answered_ok", unexpected.Count)
            .Info("valid_garbage_answered", validAnswered, $"{validAnswered:N0} check-live requests with a garbage .env text answered")
            .Target("operator_served", controls - controlsFailed + (finalStatus is { Ok: true } ? 1 : 0),
                $"{controls - controlsFailed + (finalStatus is { Ok: true } ? 1 : 0)} of {controls + 1} status requests between them answered ok",
                "all", controlsFailed == 0 && finalStatus is { Ok: true })
            .Info("rss_mib", ProcessStats.Mib(sampler.PeakRssBytes), string.Create(CultureInfo.InvariantCulture,
                $"start {ProcessStats.Mib(sampler.Start.RssBytes):F0}, peak {ProcessStats.Mib(sampler.PeakRssBytes):F0}, end {ProcessStats.Mib(end.RssBytes):F0} MiB"))
            .Target("descriptors_left", end.OpenFiles - baselineFiles, $"start {baselineFiles}, peak {sampler.PeakOpenFiles}, end {end.OpenFiles}",
                "end <= start + 2", end.OpenFiles - baselineFiles <= 2);
        foreach (var (key, count) in codes.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            report.Note($"{key} x{count}");
        }
        foreach (var line in noReply.GroupBy(k => k).Select(g => $"no reply: {g.Key} x{g.Count()}").Concat(unexpected.Take(10)))
        {
            report.Note(line);
        }
        await server.StopAsync(TimeSpan.FromSeconds(15));
        return report;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task OtherUserAsync(TempFolder folder, string socketPath, HarnessReport report,
        Action<string> progress, CancellationToken ct)
    {
        var mode = File.GetUnixFileMode(socketPath);
        report.Target("socket_mode", (int)mode, $"{Convert.ToString((int)mode, 8)} (owner read and write only)", "600",
            mode == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        if (OtherUserProbe.Unavailable() is { } why)
        {
            report.Info("other_user_requests_served", double.NaN, $"not measured: {why}");
            return;
        }
        // Open the folder to everyone, so that the socket's own mode is all that stands in the way.
        File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
        var types = new[] { ControlProtocol.Requests.Status, ControlProtocol.Requests.Reload, ControlProtocol.Requests.Pending };
        int served = 0, refused = 0, ownerServed = 0;
        var outputs = new List<string>();
        foreach (var type in types)
        {
            ct.ThrowIfCancellationRequested();
            var (code, output) = await OtherUserProbe.RunAsync(socketPath, type, asOtherUser: true);
            served += code == 0 ? 1 : 0;
            refused += code == 3 ? 1 : 0;
            outputs.Add($"as nobody, {type}: exit {code}: {output}");
            var owner = await OtherUserProbe.RunAsync(socketPath, type, asOtherUser: false);
            ownerServed += owner.Code == 0 ? 1 : 0;
            outputs.Add($"as the owner, {type}: exit {owner.Code}");
        }
        progress($"another user: {refused} of {types.Length} refused; the owner: {ownerServed} of {types.Length} served");

        // A mistaken chmod: the socket open to everyone. Only the peer check (SO_PEERCRED) stands in the way now.
        File.SetUnixFileMode(socketPath, (UnixFileMode)0b110_110_110);
        int looseServed = 0, looseRefused = 0;
        foreach (var type in types)
        {
            ct.ThrowIfCancellationRequested();
            var (code, output) = await OtherUserProbe.RunAsync(socketPath, type, asOtherUser: true);
            looseServed += code == 0 ? 1 : 0;
            looseRefused += code == 4 && output.Contains(ControlProtocol.ErrorCodes.PermissionDenied, StringComparison.Ordinal) ? 1 : 0;
            outputs.Add($"socket 0666, as nobody, {type}: exit {code}: {output}");
        }
        File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        progress($"socket 0666, another user: {looseRefused} of {types.Length} refused by its credentials");
        report
            .Zero("other_user_requests_served", served)
            .Target("other_user_refused_by_permissions", refused, $"{refused} of {types.Length} (connect: permission denied)", $"{types.Length}", refused == types.Length)
            .Target("owner_served_same_client", ownerServed, $"{ownerServed} of {types.Length} (the same Python client as the owner)", $"{types.Length}", ownerServed == types.Length)
            .Zero("other_user_served_socket_0666", looseServed)
            .Target("other_user_refused_by_credentials", looseRefused, $"{looseRefused} of {types.Length} (socket 0666: connected, answered permission_denied)",
                $"{types.Length}", looseRefused == types.Length);
        foreach (var line in outputs)
        {
            report.Note(line);
        }
    }

    private static async Task<ControlResponse?> TryAsync(string socketPath, byte[] request, bool closeSend, CancellationToken ct)
    {
        try
        {
            return await ControlExchange.SendAsync(socketPath, request, closeSend, ReplyBound, ct);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
