using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools;

/// <summary>
/// Sends a fleet decision to the running server, which signs it with FLEET_OPERATOR_IDENTITY, appends it to the
/// fleet's stream and applies it before answering. The target is checked here first (a typo is exit 64).
/// </summary>
public sealed class FleetPublisher(ToolContext context)
{
    public async Task<int> PublishAsync(string action, string target, string? duration, CancellationToken cancellationToken)
    {
        if (!BanTarget.TryParse(target, out var parsed, out var error))
        {
            throw new ToolException(ExitCodes.Usage, error);
        }
        if (action is "allow" or "disallow" && !parsed.IsNode)
        {
            throw new ToolException(ExitCodes.Usage, $"'{target}' is not a node key: the fleet allows node keys only");
        }
        if (duration is not null && (action != "ban" || !BanDuration.TryParse(duration, out _, out error)))
        {
            throw new ToolException(ExitCodes.Usage, action != "ban" ? "--for goes with ban only" : error!);
        }
        var request = new ControlRequest { Type = ControlProtocol.Requests.Fleet, Action = action, Target = parsed.ToString(), Duration = duration };
        var response = await ServerCall.RequireAsync(context, request, cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var f = response.Fleet!;
        context.Out.WriteLine($"fleet {f.Name}: published '{f.Published}' as {f.PublishedId}; in force on this node, every node of the fleet follows");
        return ExitCodes.Success;
    }

    /// <summary><c>reload_security fleet [status]</c> and <c>fleet compact</c>.</summary>
    public async Task<int> ShowAsync(string action, CancellationToken cancellationToken)
    {
        var response = await ServerCall.RequireAsync(context, new ControlRequest { Type = ControlProtocol.Requests.Fleet, Action = action }, cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var f = response.Fleet!;
        if (action == "compact")
        {
            context.Out.WriteLine(f.SnapshotCovers is { } covers
                ? $"snapshot written: it covers {covers}; entries before it were trimmed from the stream"
                : "no snapshot written: the hub holds one covering as much already");
        }
        foreach (var line in FleetText.Describe(f))
        {
            context.Out.WriteLine(line);
        }
        return ExitCodes.Success;
    }
}
