using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// <c>/api/v1/</c>: the control channel's operations over HTTP with the same error shape (<c>{"ok":false,
/// "error":{"code","message"}}</c>). Every write answers with the policy revision in force after it. A write with
/// <c>?preview=true</c> writes nothing and answers what it would do (changes, sessions that would close). With
/// <c>"fleet":true</c> (<c>?fleet=true</c> on a delete) a write is a fleet decision instead (DashboardApi.Fleet.cs).
/// </summary>
internal static partial class DashboardApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/status", (DashboardOperations ops) => Control(ops.Ask(ControlRequest.Of(ControlProtocol.Requests.Status))));
        api.MapGet("/nodes", (DashboardOperations ops, string? q, int? page, int? size) => Results.Json(new
        {
            ok = true,
            revision = ops.Manager.Policy.Revision,
            allowed = ops.Nodes(PolicyList.AllowedNodeKeys, q, page ?? 1, size ?? 100),
            blocked = ops.Nodes(PolicyList.BlockedNodeKeys, q, page ?? 1, size ?? 100),
        }, Json));
        api.MapPost("/nodes/allowed", (HttpContext c, DashboardOperations ops, EntryBody body, bool? preview) => body.Fleet
            ? FleetDecision(c, ops, "allow", body.Key, FleetTarget.NodeKey, null, Given(body.Label, "label") ?? Given(preview == true, "preview"))
            : Write(c, ops.Edit("allow", PolicyList.AllowedNodeKeys, body.Key ?? "", body.Label, add: true, preview == true)));
        api.MapDelete("/nodes/allowed/{key}", (HttpContext c, DashboardOperations ops, string key, bool? preview, bool? fleet) => fleet == true
            ? FleetDecision(c, ops, "disallow", key, FleetTarget.NodeKey, null, Given(preview == true, "preview"))
            : Write(c, ops.Edit("remove", PolicyList.AllowedNodeKeys, key, null, add: false, preview == true)));
        api.MapPost("/nodes/blocked", (HttpContext c, DashboardOperations ops, EntryBody body, bool? preview) => body.Fleet
            ? FleetDecision(c, ops, "block", body.Key, FleetTarget.NodeKey, null, Given(body.Label, "label") ?? Given(preview == true, "preview"))
            : Write(c, ops.Edit("block", PolicyList.BlockedNodeKeys, body.Key ?? "", body.Label, add: true, preview == true)));
        api.MapDelete("/nodes/blocked/{key}", (HttpContext c, DashboardOperations ops, string key, bool? preview, bool? fleet) => fleet == true
            ? FleetDecision(c, ops, "unblock", key, FleetTarget.NodeKey, null, Given(preview == true, "preview"))
            : Write(c, ops.Edit("unblock", PolicyList.BlockedNodeKeys, key, null, add: false, preview == true)));
        api.MapGet("/pending", (DashboardOperations ops) => Results.Json(new { ok = true, revision = ops.Manager.Policy.Revision, pending = ops.Pending() }, Json));
        api.MapPost("/pending/{key}/approve", (HttpContext c, DashboardOperations ops, string key, EntryBody? body, bool? preview) =>
            Write(c, ops.Edit("approve", PolicyList.AllowedNodeKeys, key, body?.Label, add: true, preview == true)));
        api.MapPost("/pending/{key}/ignore", (DashboardOperations ops, string key) =>
        {
            ops.Ignore(key);
            return Results.Json(new EditAnswer { Ok = true, Action = "ignore", Entry = key, Revision = ops.Manager.Policy.Revision }, Json);
        });
        api.MapGet("/addresses", (DashboardOperations ops) => Results.Json(new { ok = true, revision = ops.Manager.Policy.Revision, blocked = ops.BlockedAddresses() }, Json));
        api.MapPost("/addresses/blocked", (HttpContext c, DashboardOperations ops, EntryBody body, bool? preview) => body.Fleet
            ? FleetDecision(c, ops, "block", body.Target, FleetTarget.Address, null, Given(body.Label, "label") ?? Given(preview == true, "preview"))
            : Write(c, ops.Edit("block_address", PolicyList.BlockedIpAddresses, body.Target ?? "", body.Label, add: true, preview == true)));
        // {**target}: a CIDR range has a slash (203.0.113.0/24); the caller may also escape it as %2F.
        api.MapDelete("/addresses/blocked/{**target}", (HttpContext c, DashboardOperations ops, string target, bool? preview, bool? fleet) => fleet == true
            ? FleetDecision(c, ops, "unblock", Uri.UnescapeDataString(target), FleetTarget.Address, null, Given(preview == true, "preview"))
            : Write(c, ops.Edit("unblock_address", PolicyList.BlockedIpAddresses, Uri.UnescapeDataString(target), null, add: false, preview == true)));
        api.MapGet("/policy", (PolicyFileOperations files) => Results.Json(files.View(), Json));
        api.MapPost("/policy/check", (DashboardOperations ops, PolicyFileOperations files, PolicyBody body) => ControlWrite(ops, files.Check(body.Text ?? "")));
        // preview=true is the check; without it the text is written under the lock, atomically, and reloaded.
        api.MapPost("/policy/apply", (HttpContext c, DashboardOperations ops, PolicyFileOperations files, PolicyBody body, bool? preview) => preview == true
            ? ControlWrite(ops, files.Check(body.Text ?? ""))
            : Write(c, files.Apply(body.Text ?? "", body.BaseSha256, body.OpenNetwork)));
        api.MapGet("/network-key", (DashboardOperations ops, PolicyFileOperations files) =>
            Results.Json(new { ok = true, revision = ops.Manager.Policy.Revision, network_key = files.NetworkKey() }, Json));
        api.MapPost("/network-key", (HttpContext c, PolicyFileOperations files, NetworkKeyBody body, bool? preview) =>
            Write(c, files.RotateNetworkKey(body.Key, null, body.KeepPrevious, preview == true)));
        api.MapGet("/bans", (DashboardOperations ops) => ControlWrite(ops, ops.Ask(ControlRequest.Of(ControlProtocol.Requests.Bans))));
        api.MapPost("/bans", (HttpContext c, DashboardOperations ops, BanBody body) => body.Fleet
            ? FleetDecision(c, ops, "ban", body.Target, FleetTarget.Any, body.Duration, Given(body.Reason, "reason"))
            : Ban(c, ops, new ControlRequest { Type = ControlProtocol.Requests.Ban, Target = body.Target, Duration = body.Duration, Reason = body.Reason }));
        // {**target}: a CIDR range has a slash, as for the blocked addresses.
        api.MapDelete("/bans/{**target}", (HttpContext c, DashboardOperations ops, string target, bool? fleet) => fleet == true
            ? FleetDecision(c, ops, "unban", Uri.UnescapeDataString(target), FleetTarget.Any, null, null)
            : Ban(c, ops, new ControlRequest { Type = ControlProtocol.Requests.Unban, Target = Uri.UnescapeDataString(target) }));
        api.MapGet("/fleet", FleetStatus);
        api.MapGet("/lockdown", (DashboardOperations ops) => Control(ops.Ask(ControlRequest.Of(ControlProtocol.Requests.Lockdown))));
        api.MapPost("/lockdown", (HttpContext c, DashboardOperations ops, LockdownBody body) =>
        {
            var response = Lockdown(ops, body);
            if (response.Ok)
            {
                DashboardLog.Change(c, body.On ? "lockdown_on" : "lockdown_off", "-", ops.Manager.Policy.Revision);
            }
            return ControlWrite(ops, response);
        });
        api.MapGet("/events", SecurityEventStream.StreamAsync);
    }

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static ControlResponse Lockdown(DashboardOperations ops, LockdownBody body) => ops.Ask(new ControlRequest
    {
        Type = ControlProtocol.Requests.Lockdown,
        Action = body.On ? "on" : "off",
        AllowTrusted = body.On ? body.AllowTrusted : null,
        ForSeconds = body.On ? body.For : null,
        Reason = body.On && !string.IsNullOrWhiteSpace(body.Reason) ? body.Reason : null,
    });

    public static LockdownInfo? LockdownState(DashboardOperations ops) => ops.Ask(ControlRequest.Of(ControlProtocol.Requests.Lockdown)).Lockdown;

    /// <summary>A control response as the control channel writes it (its own source-generated JSON), 400 when not ok.</summary>
    private static IResult Control(ControlResponse response) =>
        Results.Text(JsonSerializer.Serialize(response, ControlJsonContext.Default.ControlResponse), "application/json", statusCode: response.Ok ? 200 : 400);

    /// <summary>ban and unban through the control channel's own handler (the code <c>manage_trusted_nodes ban</c> reaches).</summary>
    public static IResult Ban(HttpContext c, DashboardOperations ops, ControlRequest request)
    {
        var response = ops.Ask(request);
        if (response.Ok)
        {
            DashboardLog.Change(c, request.Type!, response.Ban?.Ban?.Target ?? request.Target ?? "-", ops.Manager.Policy.Revision);
        }
        return ControlWrite(ops, response);
    }

    /// <summary>A control response with <c>revision</c>, the policy revision in force, added beside its payload.</summary>
    private static IResult ControlWrite(DashboardOperations ops, ControlResponse response)
    {
        var node = JsonSerializer.SerializeToNode(response, ControlJsonContext.Default.ControlResponse)!.AsObject();
        node["revision"] = ops.Manager.Policy.Revision;
        return Results.Text(node.ToJsonString(), "application/json", statusCode: response.Ok ? 200 : StatusOf(response.Error));
    }

    private static int StatusOf(ControlError? error) => error?.Code == ControlProtocol.ErrorCodes.InternalError ? 500 : 400;

    private static IResult Write(HttpContext c, EditAnswer answer)
    {
        if (answer.Ok && answer.Preview is null)
        {
            DashboardLog.Change(c, answer.Action, answer.Entry ?? "-", answer.Revision);
        }
        return Results.Json(answer, Json, statusCode: answer.Ok ? 200 : answer.Error is null || answer.Error.Code == "conflict" ? 409 : 400);
    }
}
