using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary>Prints the live server's status (never the file's: that is <c>check</c>).</summary>
internal sealed class StatusReport(ToolContext context)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var response = await ServerCall.RequireAsync(context, ControlRequest.Of(ControlProtocol.Requests.Status), cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        Print(response.Status!, context.Out);
        return ExitCodes.Success;
    }

    private static void Print(StatusInfo s, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        if (s.Lockdown.Active)
        {
            // First, so that an operator in a hurry sees it before anything else.
            o.WriteLine(LockdownRequester.Line(s.Lockdown));
        }
        o.WriteLine(string.Create(inv, $"server       pid {s.Server.ProcessId}, listening on {s.Server.ListenEndpoint ?? "(unknown)"}, node key {s.Server.NodeKey ?? "(unknown)"}"));
        o.WriteLine($"profile      {s.Server.Profile ?? "(none: .env or --env-file)"}");
        o.WriteLine($"up since     {ReloadText.Time(s.StartedAt)}");
        o.WriteLine(string.Create(inv, $"policy       {s.PolicyPath}, revision {s.PolicyRevision}, in force since {ReloadText.Time(s.PolicyLoadedAt)}"));
        var last = s.LastReload;
        var errors = last.Diagnostics.Where(d => d.IsError).Select(d => d.Text).ToList();
        o.WriteLine(string.Create(inv, $"last reload  {last.Outcome} at {ReloadText.Time(last.At)} ({last.Trigger}), revision {last.Revision}")
                    + (errors.Count > 0 ? $", {ReloadText.Plural(errors.Count, "error")}:" : string.Empty));
        foreach (var error in errors)
        {
            o.WriteLine("               " + error);
        }
        if (s.PolicyFileEmpty)
        {
            o.WriteLine(string.Create(inv, $"file         EMPTY: the last good policy (revision {s.PolicyRevision}) is kept; 'reload_security reload --accept-empty' applies the embedded defaults"));
        }
        o.WriteLine($"mode         {s.ModeDescription}");
        o.WriteLine($"lists        {ReloadText.Plural(s.AllowedNodeKeys, "allowed key")}, {ReloadText.Plural(s.BlockedNodeKeys, "blocked key")}, {ReloadText.Plural(s.BlockedIpEntries, "blocked IP entry").Replace("entrys", "entries", StringComparison.Ordinal)}");
        o.WriteLine(string.Create(inv, $"connections  {s.LiveConnections} live, {s.AuthenticatedConnections} authenticated, {s.OutboundConnections} outbound, {s.PendingHandshakes} pending handshakes"));
        foreach (var node in s.ConnectionsByNode)
        {
            o.WriteLine(string.Create(inv, $"  node {node.Name}  {node.Count}"));
        }
        foreach (var ip in s.ConnectionsByIp)
        {
            o.WriteLine(string.Create(inv, $"  ip   {ip.Name}  {ip.Count}"));
        }
        var refusals = s.RefusalsByReason.OrderByDescending(r => r.Value).Select(r => string.Create(inv, $"{r.Key} {r.Value:N0}")).ToList();
        o.WriteLine($"refusals     {(refusals.Count == 0 ? "none" : string.Join(", ", refusals))} (since start)");
        if (s.Bans is { } bans)
        {
            var bySource = string.Join(", ", bans.BySource.Select(b => string.Create(inv, $"{b.Value:N0} {b.Key}")));
            o.WriteLine(string.Create(inv, $"bans         {bans.Active:N0} active ({bySource}), MAX_BANS {bans.MaxBans:N0}, AUTO_BAN {bans.AutoBan}, {bans.Offenders:N0} offenders remembered"));
        }
        if (s.Fleet is { } fleet)
        {
            foreach (var line in FleetText.Describe(fleet))
            {
                o.WriteLine(line);
            }
        }
        var l = s.Limits;
        o.WriteLine(string.Create(inv,
            $"limits       {l.MaxConnectionsPerIp} connections per IP, connections {l.ConnectionRateLimit}, messages {l.MessageRateLimit}, " +
            $"handshake {l.HandshakeTimeoutSeconds:0.###} s, frames <= {l.MaxFrameSize:N0} bytes within {l.FrameTimeoutSeconds:0.###} s"));
        o.WriteLine(string.Create(inv,
            $"             at most {l.MaxConnections:N0} connections and {l.MaxPendingHandshakes:N0} pending handshakes in all; an IPv6 peer is its /{l.Ipv6LimitPrefix}"));
        o.WriteLine($"switches     node authentication {(l.RequireNodeAuthentication ? "required" : "optional")}, network key {(l.NetworkKeySet ? "set" : "off")}, " +
                    $"signing {(l.EnableMessageSigning ? "on" : "off")}{(l.RejectUnsignedMessages ? " (unsigned rejected)" : string.Empty)}, " +
                    $"evict on policy change {(l.EvictOnPolicyChange ? "on" : "off")}");
        PrintNetworkKey(s.NetworkKey, o);
    }

    /// <summary>Fingerprints only; the server never sends a key's value.</summary>
    private static void PrintNetworkKey(NetworkKeyInfo k, TextWriter o)
    {
        if (k.Fingerprint is null)
        {
            o.WriteLine("network key  off");
            return;
        }
        o.WriteLine($"network key  fingerprint {k.Fingerprint} ({k.Source})");
        if (k.PreviousFingerprint is not null)
        {
            o.WriteLine($"previous key fingerprint {k.PreviousFingerprint} ({k.PreviousSource}), also accepted in proofs");
        }
        foreach (var session in k.Sessions)
        {
            var node = session.NodeKey is null ? "anonymous" : session.NodeKey[..16] + "...";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  session {session.Id} {session.Address} node {node}{(session.Outbound ? " (outbound)" : string.Empty)} proved {session.Proved ?? "none"}"));
        }
    }
}
