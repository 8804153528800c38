using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary>
/// Validates a policy file on its own, then, if a server runs, asks it what the file would do to the live
/// connections. Without a server the file check alone decides the exit code.
/// </summary>
internal sealed class PolicyChecker(ToolContext context)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var output = new CheckOutput { File = context.EnvFile };
        var (loaded, text, exists) = PolicyFileText.Load(context.EnvFile);
        output.Valid = loaded.IsValid;
        output.Diagnostics = [.. loaded.Diagnostics.Select(DiagnosticInfo.From)];
        if (loaded.Policy is { } policy)
        {
            // Keys both allowed and blocked are already a loader warning; the addresses of this host only the tool can see.
            output.Lockouts = [.. LockoutCheck.AddressLockouts(policy)];
            output.NetworkKey = NetworkKeyInfo.From(policy);
            var result = await context.Client().SendAsync(new ControlRequest { Type = ControlProtocol.Requests.CheckLive, Path = context.EnvFile }, cancellationToken);
            output.ServerReachable = result.Status == ControlCallStatus.Answered;
            if (result.Response is { Ok: true } response)
            {
                output.Live = response.CheckLive;
            }
            else
            {
                output.ServerProblem = result.Problem ?? $"{result.Response?.Error?.Code}: {result.Response?.Error?.Message}";
            }
        }
        output.Ok = output.Valid;
        var code = output.Valid ? ExitCodes.Success : ExitCodes.InvalidPolicy;
        if (context.Json)
        {
            context.WriteJson(output, j => j.CheckOutput);
            return code;
        }
        Print(output, exists, loaded.Policy, exists && string.IsNullOrWhiteSpace(text));
        return code;
    }

    private void Print(CheckOutput c, bool exists, SecurityPolicy? policy, bool empty)
    {
        var o = context.Out;
        if (!c.Valid)
        {
            var errors = c.Diagnostics.Where(d => d.IsError).ToList();
            context.Err.WriteLine($"{c.File}: invalid, {ReloadText.Plural(errors.Count, "error")}:");
            foreach (var d in c.Diagnostics)
            {
                context.Err.WriteLine($"  {d.Severity}: {d.Text}");
            }
            return;
        }
        o.WriteLine(exists ? $"{c.File}: valid, {policy!.ModeDescription}" : $"{c.File}: does not exist; the server would run on the embedded defaults");
        if (c.NetworkKey is { Fingerprint: { } fingerprint } key)
        {
            o.WriteLine($"  network key: fingerprint {fingerprint} ({key.Source})" +
                        (key.PreviousFingerprint is { } previous ? $"; previous key {previous} also accepted ({key.PreviousSource})" : string.Empty));
        }
        foreach (var d in c.Diagnostics)
        {
            o.WriteLine($"  warning: {d.Text}");
        }
        foreach (var lockout in c.Lockouts)
        {
            o.WriteLine($"  lock-out: {lockout}");
        }
        if (empty)
        {
            o.WriteLine("  note: the file is empty: a running server that read a non-empty file keeps that policy; 'reload_security reload --accept-empty' applies the defaults");
        }
        if (c.Live is not { } live)
        {
            o.WriteLine($"server: not reachable ({c.ServerProblem}); only the file was checked");
            return;
        }
        if (!live.Valid)
        {
            // The server read the file after us and found it invalid (changed in between): show its findings.
            o.WriteLine("server: the file it read is invalid:");
            foreach (var d in live.Diagnostics)
            {
                o.WriteLine($"  {d.Severity}: {d.Text}");
            }
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(live.Changes.Count == 0
            ? string.Create(inv, $"server: revision {live.LiveRevision} in force; a reload would change nothing")
            : string.Create(inv, $"server: revision {live.LiveRevision} in force; a reload would change:"));
        if (live.ModeChange is { } mode)
        {
            o.WriteLine((mode.Opened ? "  warning: " : "  ") + mode.Text);
        }
        foreach (var change in live.Changes)
        {
            o.WriteLine("  " + change);
        }
        if (live.WouldRefuse.Count == 0)
        {
            o.WriteLine("  no live connection would be refused");
            return;
        }
        o.WriteLine($"  {ReloadText.Plural(live.WouldRefuse.Count, "live connection")} would be refused, {ReloadText.Plural(live.SessionsWouldClose, "session")} closed:");
        foreach (var r in live.WouldRefuse)
        {
            o.WriteLine($"    {r.Address} node {r.NodeKey ?? "(not authenticated)"}: {r.Reason} ({r.Description})");
        }
    }
}
