using Microsoft.AspNetCore.Http;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// Fleet decisions through the API: <c>"fleet":true</c> on a list write or a ban (<c>?fleet=true</c> on a delete)
/// makes the same decision for every node of the fleet, as the tools' <c>--fleet</c>: the control channel's own
/// <c>fleet</c> handler signs it with FLEET_OPERATOR_IDENTITY, appends it to the fleet's stream and answers once it
/// is in force on this node. This node's file and local bans are not changed.
/// </summary>
internal static partial class DashboardApi
{
    /// <summary>What an endpoint decides about: a node key (<c>nodes/*</c>), an address or range (<c>addresses/*</c>), or either (<c>bans</c>).</summary>
    internal enum FleetTarget
    {
        NodeKey,
        Address,
        Any,
    }

    /// <summary><c>GET /api/v1/fleet</c>: the control channel's <c>fleet</c> status, or <c>"fleet":null</c> when the node is in no fleet.</summary>
    private static IResult FleetStatus(DashboardOperations ops) => ops.Manager.Fleet is null
        ? Results.Text("{\"ok\":true,\"fleet\":null}", "application/json")
        : Control(ops.Ask(new ControlRequest { Type = ControlProtocol.Requests.Fleet, Action = "status" }));

    /// <summary>
    /// Publishes <paramref name="action"/> of <paramref name="target"/> to the fleet. <paramref name="localOnly"/> names a
    /// field given that a fleet decision does not carry (a label, a reason, a preview): that is refused, as the tools
    /// refuse <c>--label</c> with <c>--fleet</c>, rather than dropped without a word.
    /// </summary>
    public static IResult FleetDecision(HttpContext c, DashboardOperations ops, string action, string? target, FleetTarget kind, string? duration, string? localOnly)
    {
        var response = CheckFleetDecision(action, target, kind, localOnly) ?? ops.Ask(new ControlRequest
        {
            Type = ControlProtocol.Requests.Fleet,
            Action = action,
            Target = target,
            Duration = duration,
        });
        if (response.Ok)
        {
            DashboardLog.Change(c, "fleet_" + action, response.Fleet?.Published ?? target ?? "-", ops.Manager.Policy.Revision);
        }
        return ControlWrite(ops, response);
    }

    private static ControlResponse? CheckFleetDecision(string action, string? target, FleetTarget kind, string? localOnly)
    {
        if (localOnly is not null)
        {
            return Invalid($"{localOnly} does not go with fleet (a fleet decision carries only what it decides)");
        }
        if (!BanTarget.TryParse(target, out var parsed, out var error))
        {
            return Invalid(error);
        }
        return kind switch
        {
            FleetTarget.NodeKey when !parsed.IsNode => Invalid($"'{Core.Logging.LogText.Escape(target!)}' is not a node key: this endpoint decides about node keys; an address or range is blocked at /api/v1/addresses/blocked"),
            FleetTarget.Address when parsed.IsNode => Invalid("a node key is blocked at /api/v1/nodes/blocked; this endpoint takes an address or a CIDR range"),
            _ => null,
        };

        static ControlResponse Invalid(string message) => ControlResponse.Failure(ControlProtocol.Requests.Fleet, ControlProtocol.ErrorCodes.InvalidArgument, message);
    }

    private static string? Given(bool given, string field) => given ? field : null;

    private static string? Given(string? value, string field) => string.IsNullOrEmpty(value) ? null : field;
}
