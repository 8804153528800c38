using System.Diagnostics;
using System.Globalization;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.Wire;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.BroadcastReplay;

/// <summary>
/// A captured signed broadcast replayed into a real server: after <c>newer</c> newer broadcasts have gone through it,
/// and after the server restarted. Figures: replayed copies delivered to a listening node (target 0), with controls
/// proving that a delivery would have been seen (the genuine copy and fresh markers arrive).
/// </summary>
public static class BroadcastReplayHarness
{
    private const string Env =
        "ENABLE_MESSAGE_SIGNING=true\nREJECT_UNSIGNED_MESSAGES=true\nMESSAGE_RATE_LIMIT=1000000/s\n" +
        "MAX_CONNECTIONS_PER_IP=10\nCONNECTION_RATE_LIMIT=1000/min\nLOG_SECURITY_EVENTS=false\n";

    public static async Task<HarnessReport> RunAsync(int newer, string? serverDll, Action<string> progress, CancellationToken ct)
    {
        var report = new HarnessReport("broadcast-replay", MachineLoad.Describe());
        using var origin = NodeIdentity.Create();
        using var listener = NodeIdentity.Create();
        using var folder = new TempFolder();
        folder.WriteEnv(Env);
        var addresses = new AddressPool(91);

        BroadcastMessage captured;
        long deliveredAfterNewer;
        var flood = Stopwatch.StartNew();
        await using (var server = await ServerUnderTest.StartAsync(folder, serverDll))
        {
            await using var sender = await Session.OpenAsync(server, origin, addresses, ct);
            await using (var first = await Session.OpenAsync(server, listener, addresses, ct))
            {
                captured = BroadcastSigning.Create(origin, [1, 2, 3], sign: true);
                await sender.SendAsync(captured, ct);
                var control = await first.CountUntilMarkerAsync(sender, origin, captured, ct);
                report.Zero("controls_failed.genuine_not_delivered", control == 1 ? 0 : 1);
            }

            progress($"{newer} newer signed broadcasts");
            for (var i = 0; i < newer; i++)
            {
                await sender.SendAsync(BroadcastSigning.Create(origin, BitConverter.GetBytes(i), sign: true), ct, flush: i % 256 == 255);
            }
            await sender.FlushAsync(ct);
            await using var second = await Session.OpenAsync(server, listener, addresses, ct);
            await sender.SendAsync(captured, ct);
            deliveredAfterNewer = await second.CountUntilMarkerAsync(sender, origin, captured, ct);
            flood.Stop();
            await server.StopAsync(TimeSpan.FromSeconds(10));
        }
        report.Zero("replays_delivered.after_newer_ids", deliveredAfterNewer);
        report.Info("newer_ids", newer, newer.ToString(CultureInfo.InvariantCulture));
        report.Info("newer_ids_seconds", flood.Elapsed.TotalSeconds, flood.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));

        progress("restart, then replay");
        await using (var restarted = await ServerUnderTest.StartAsync(folder, serverDll))
        {
            await using var sender = await Session.OpenAsync(restarted, origin, addresses, ct);
            await using var receiver = await Session.OpenAsync(restarted, listener, addresses, ct);
            await sender.SendAsync(captured, ct);
            var dropped = await sender.ReadDroppedAsync(ct);
            report.Zero("replays_delivered.after_restart", await receiver.CountUntilMarkerAsync(sender, origin, captured, ct));
            report.Zero("replay_after_restart_not_told_broadcast_expired", dropped == DenyReason.BroadcastExpired ? 0 : 1);
            report.Zero("server_exits", restarted.HasExited ? 1 : 0);
            await restarted.StopAsync(TimeSpan.FromSeconds(10));
        }
        return report;
    }

    /// <summary>A welcomed node session over real TLS.</summary>
    private sealed class Session(TlsConnection connection) : IAsyncDisposable
    {
        public static async Task<Session> OpenAsync(ServerUnderTest server, NodeIdentity identity, AddressPool addresses, CancellationToken ct)
        {
            var connection = await TlsConnection.ConnectAsync(server.EndPoint, addresses.Next(), identity.Certificate, ct);
            var outcome = await NodeHandshake.RunAsync(connection.Tls, NodeHandshake.Genuine(null, identity.NodeKey), ct);
            if (!outcome.Welcomed)
            {
                await connection.DisposeAsync();
                throw new HarnessException($"a node of the harness was not welcomed: {outcome}");
            }
            return new Session(connection);
        }

        public async Task SendAsync(NodeMessage message, CancellationToken ct, bool flush = true)
        {
            await connection.Tls.WriteAsync(Frames.Of(message), ct);
            if (flush)
            {
                await connection.Tls.FlushAsync(ct);
            }
        }

        public Task FlushAsync(CancellationToken ct) => connection.Tls.FlushAsync(ct);

        /// <summary>
        /// Has <paramref name="sender"/> send a fresh marker, then reads this session until it arrives; returns how
        /// many copies of <paramref name="watched"/> came first. The server handles one sender's frames in order, so a
        /// relayed copy of an earlier frame arrives before the marker.
        /// </summary>
        public async Task<long> CountUntilMarkerAsync(Session sender, NodeIdentity origin, BroadcastMessage watched, CancellationToken ct)
        {
            var marker = BroadcastSigning.Create(origin, [0xEE], sign: true);
            await sender.SendAsync(marker, ct);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(TimeSpan.FromSeconds(120));
            var copies = 0L;
            while (true)
            {
                var message = await Frames.ReadOrNullAsync(connection.Tls, bound.Token)
                    ?? throw new HarnessException("the listening session ended before the marker arrived");
                if (message is BroadcastMessage b && b.Id.AsSpan().SequenceEqual(marker.Id))
                {
                    return copies;
                }
                if (message is BroadcastMessage c && c.Id.AsSpan().SequenceEqual(watched.Id))
                {
                    copies++;
                }
            }
        }

        /// <summary>The reason of the next Dropped notice this session receives.</summary>
        public async Task<DenyReason?> ReadDroppedAsync(CancellationToken ct)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(TimeSpan.FromSeconds(30));
            while (await Frames.ReadOrNullAsync(connection.Tls, bound.Token) is { } message)
            {
                if (message is DroppedMessage dropped)
                {
                    return dropped.Reason;
                }
            }
            return null;
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
