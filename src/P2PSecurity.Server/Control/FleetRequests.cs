using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Fleet;
using static P2PSecurity.Core.Control.ControlProtocol;

namespace P2PSecurity.Server.Control;

/// <summary>
/// Answers <c>fleet</c>: the fleet's state, a compaction, or a decision to sign with FLEET_OPERATOR_IDENTITY and
/// publish. A decision is answered once it is in the stream and in force on this node; the other nodes follow
/// within milliseconds. The fleet is asked for at each request: a reload can turn it on, off, or point it elsewhere.
/// </summary>
internal sealed class FleetRequests(Func<FleetSync?> current, TimeProvider time)
{
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(8);

    public ControlResponse Handle(ControlRequest request)
    {
        var fleet = current();
        if (fleet is null)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.FleetUnavailable, "this node is in no fleet (FLEET_REDIS is not set)");
        }
        var action = request.Action ?? "status";
        if (action == "status")
        {
            return Answer(request, Describe(fleet));
        }
        if (fleet.OperatorIdentity is not { } signer)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.FleetUnavailable,
                "this node has no operator identity (FLEET_OPERATOR_IDENTITY, default NODE_IDENTITY_FILE, is missing); it follows the fleet but cannot publish");
        }
        if (!fleet.Signing.Operators.Contains(signer.NodeKey))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.FleetUnavailable,
                $"this node's operator key {signer.NodeKey.ToShortString()}… is not in FLEET_OPERATOR_KEYS: every node would ignore its decisions; add it there first");
        }
        if (action == "compact")
        {
            var covers = Wait(fleet.CompactAsync(signer, CancellationToken.None));
            var info = Describe(fleet);
            info.SnapshotCovers = covers?.ToString();
            return Answer(request, info);
        }
        if (!FleetActionNames.TryParse(action, out var kind))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument,
                $"'{Core.Logging.LogText.Escape(action)}' is not a fleet action; known: status, compact, block, unblock, ban, unban, allow, disallow");
        }
        if (!BanTarget.TryParse(request.Target, out var target, out var error))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, error);
        }
        if (kind is FleetAction.Allow or FleetAction.Disallow && !target.IsNode)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, $"{kind.Name()} takes a node key, not an address");
        }
        var expires = Ban.Forever;
        if (kind == FleetAction.Ban)
        {
            TimeSpan? duration = BanRequests.DefaultDuration;
            if (request.Duration is { } text && !BanDuration.TryParse(text, out duration, out error))
            {
                return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, error);
            }
            expires = duration is { } d ? time.GetUtcNow().Add(d).ToUnixTimeMilliseconds() : Ban.Forever;
        }
        else if (request.Duration is not null)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, "only a ban takes a duration");
        }
        var decision = new FleetDecision(kind, target, expires);
        var id = Wait(fleet.PublishAsync(decision, signer, CancellationToken.None));
        var published = Describe(fleet);
        published.Published = decision.ToString();
        published.PublishedId = id.ToString();
        return Answer(request, published);
    }

    /// <summary>The fleet part of <c>status</c>.</summary>
    public static FleetInfo Describe(FleetSync fleet)
    {
        var view = fleet.Current;
        return new FleetInfo
        {
            Name = fleet.Fleet,
            Hub = fleet.HubDisplay,
            Connected = fleet.Connected,
            LastAppliedId = view.LastId.ToString(),
            LagSeconds = Math.Round(fleet.LagSeconds, 3),
            DecisionsInForce = view.Count,
            SignaturesRejected = fleet.Rejected,
            StateDigest = fleet.Digest(),
            Applied = fleet.Applied,
            Duplicates = fleet.Duplicates,
            Gaps = fleet.Gaps,
            SnapshotsLoaded = fleet.SnapshotsLoaded,
            OperatorKeys = fleet.Signing.Operators.Count,
            SigningKey = fleet.OperatorIdentity?.NodeKey.ToShortString(),
            CanPublish = fleet.OperatorIdentity is { } id && fleet.Signing.Operators.Contains(id.NodeKey),
        };
    }

    private static ControlResponse Answer(ControlRequest request, FleetInfo info) => new() { Ok = true, Type = request.Type, Fleet = info };

    private static T Wait<T>(Task<T> call)
    {
        try
        {
            if (!call.Wait(AnswerBound))
            {
                throw new FleetHubException($"the fleet hub did not answer within {AnswerBound.TotalSeconds:0} s; the decision may still be published");
            }
        }
        catch (AggregateException ex) when (ex.InnerException is FleetHubException hub)
        {
            throw hub;
        }
        return call.Result;
    }

    /// <summary>A hub failure is answered with its message: nothing was published.</summary>
    public static ControlResponse Guard(ControlRequest request, Func<ControlRequest, ControlResponse> answer)
    {
        try
        {
            return answer(request);
        }
        catch (FleetHubException ex)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.FleetUnavailable, "not published: " + ex.Message);
        }
    }
}
