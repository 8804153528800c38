using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Lockdown;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary>Engages, lifts or shows the running server's lockdown.</summary>
internal sealed class LockdownRequester(ToolContext context)
{
    public async Task<int> RunAsync(string? action, LockdownOptions options, CancellationToken cancellationToken)
    {
        var request = new ControlRequest { Type = ControlProtocol.Requests.Lockdown, Action = action };
        if (action == "on")
        {
            request.AllowTrusted = options.AllowTrusted ? true : null;
            request.KeepSessions = options.KeepSessions ? true : null;
            request.ForSeconds = options.For?.TotalSeconds;
            request.Reason = options.Reason;
        }
        var response = await ServerCall.RequireAsync(context, request, cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var info = response.Lockdown!;
        var o = context.Out;
        switch (action)
        {
            case "on":
                o.WriteLine($"locked down{Mode(info)}: new connections are refused{(info.AllowTrusted ? " unless their key is in ALLOWED_NODE_KEYS" : " before TLS")}; " +
                            $"{ReloadText.Plural(info.SessionsClosed ?? 0, "session")} closed");
                if (info.Until is { } until)
                {
                    o.WriteLine($"  lifts itself at {ReloadText.Time(until)}");
                }
                break;
            case "off":
                o.WriteLine(info.Active ? "still locked down" : "lockdown lifted: new connections are decided by the policy again");
                break;
            default:
                o.WriteLine(Line(info));
                break;
        }
        if (info.Note is { } note)
        {
            context.Err.WriteLine("note: " + note);
        }
        if (info.PersistError is { } persist)
        {
            context.Err.WriteLine($"warning: {persist}; the change is in force but a restart will not remember it");
        }
        return ExitCodes.Success;
    }

    /// <summary>One line for a lockdown, as <c>status</c> prints it first.</summary>
    public static string Line(LockdownInfo info)
    {
        if (!info.Active)
        {
            return "lockdown     off";
        }
        var since = info.Since is { } s ? " since " + ReloadText.Time(s) : string.Empty;
        var until = info.Until is { } u ? ", until " + ReloadText.Time(u) : string.Empty;
        var by = info.Source == "policy_file" ? ", by LOCKDOWN=true in the policy file" : string.Empty;
        var reason = info.Reason is { } r && info.Source != "policy_file" ? $", reason: {r}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"LOCKED DOWN  {info.Mode}{since}{until}{by}{reason}");
    }

    private static string Mode(LockdownInfo info) => info.Mode.Length > 2 ? " " + info.Mode[3..] : string.Empty;
}
