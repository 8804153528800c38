using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using static P2PSecurity.Core.Control.ControlProtocol;

namespace P2PSecurity.Server.Control;

/// <summary>Answers one parsed request. Everything here is the server's view: the policy in force, the live connections.</summary>
internal sealed class ControlRequestHandler : IDisposable
{
    private readonly SecurityManager _manager;
    private readonly IServerStatusSource? _server;
    private readonly RecentNodeRefusals _refusals;
    private readonly BanRequests _bans;
    private readonly FleetRequests _fleet;
    private readonly IDashboardAccess? _dashboard;
    private readonly Lock _lock = new();
    private DateTimeOffset _policyLoadedAt;

    public ControlRequestHandler(SecurityManager manager, IServerStatusSource? server, RecentNodeRefusals refusals, IDashboardAccess? dashboard = null)
    {
        _dashboard = dashboard;
        _bans = new BanRequests(manager.Bans);
        _fleet = new FleetRequests(() => manager.Fleet, TimeProvider.System);
        _manager = manager;
        _server = server;
        _refusals = refusals;
        var last = manager.LastReload;
        _policyLoadedAt = last.Outcome == ReloadOutcome.Applied ? last.At : manager.StartedAt;
        manager.PolicyChanged += OnPolicyChanged;
    }

    public ControlResponse Handle(ControlRequest request)
    {
        if (request.Version != ControlProtocol.Version)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.UnsupportedVersion,
                $"this server speaks control protocol version {ControlProtocol.Version}, the request has version {request.Version}");
        }
        return request.Type switch
        {
            Requests.Status => new ControlResponse { Ok = true, Type = request.Type, Status = WithBans(StatusBuilder.Build(_manager, _server, PolicyLoadedAt)) },
            Requests.Reload => new ControlResponse { Ok = true, Type = request.Type, Reload = ReloadInfo.From(_manager.Reload("control", request.AcceptEmpty == true, request.WrittenSha256)) },
            Requests.CheckLive => CheckLive(request),
            Requests.Lockdown => LockdownRequest.Handle(_manager, request),
            Requests.Pending => new ControlResponse
            {
                Ok = true,
                Type = request.Type,
                Pending = new PendingInfo { Nodes = _refusals.Snapshot(_manager.Policy), Capacity = _refusals.Capacity },
            },
            Requests.Ban => BanRequests.Guard(request, _bans.Ban),
            Requests.Unban => BanRequests.Guard(request, _bans.Unban),
            Requests.Bans => _bans.List(request),
            Requests.Fleet => FleetRequests.Guard(request, _fleet.Handle),
            Requests.DashboardUrl or Requests.DashboardPassword => Dashboard(request),
            _ => ControlResponse.Failure(request.Type, ErrorCodes.UnknownRequest,
                $"unknown request type '{Core.Logging.LogText.Escape(request.Type)}'; known: {string.Join(", ", Requests.All)}"),
        };
    }

    private ControlResponse Dashboard(ControlRequest request)
    {
        if (_dashboard is null)
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, "the dashboard is off (DASHBOARD_ADDRESS=off, or --dashboard off)");
        }
        if (request.Type == Requests.DashboardUrl)
        {
            return new ControlResponse { Ok = true, Type = request.Type, Dashboard = _dashboard.IssueLoginUrl() };
        }
        try
        {
            return new ControlResponse { Ok = true, Type = request.Type, Dashboard = _dashboard.SetPassword(request.Password ?? "") };
        }
        catch (ArgumentException ex)
        {
            // The message says what is wrong with the password, never what it is.
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, ex.Message);
        }
    }

    private StatusInfo WithBans(StatusInfo status)
    {
        status.Bans = _bans.Counts(_manager.Policy.ResolvePath(_manager.Policy.StateDatabase));
        status.Fleet = _manager.Fleet is { } fleet ? FleetRequests.Describe(fleet) : null;
        return status;
    }

    private ControlResponse CheckLive(ControlRequest request)
    {
        if ((request.Path is null) == (request.Text is null))
        {
            return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, "check-live needs exactly one of 'path' (absolute) or 'text'");
        }
        PolicyLoadResult loaded;
        if (request.Path is { } path)
        {
            if (!CandidatePolicyReader.TryRead(path, out var bytes, out var error))
            {
                return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, error);
            }
            loaded = PolicyLoader.Load(bytes, path);
        }
        else
        {
            loaded = PolicyLoader.Load(request.Text!, _manager.PolicyPath);
        }
        var live = _manager.Policy;
        var info = new CheckLiveInfo
        {
            Valid = loaded.IsValid,
            Diagnostics = [.. loaded.Diagnostics.Select(DiagnosticInfo.From)],
            LiveRevision = live.Revision,
        };
        if (loaded.Policy is { } candidate)
        {
            info.Changes = [.. PolicyDiff.Compute(live, candidate)];
            info.ModeChange = ModeChangeInfo.Of(PolicyModeChange.Between(live, candidate));
            foreach (var slot in _manager.LiveConnections)
            {
                var decision = SecurityManager.EvaluateLive(slot, candidate);
                if (!decision.Allowed)
                {
                    info.WouldRefuse.Add(new RefusedConnectionInfo
                    {
                        Id = slot.Id,
                        Address = slot.Address.ToString(),
                        NodeKey = slot.NodeKey?.ToString(),
                        Reason = decision.Reason.Code(),
                        Description = decision.Reason.Describe(),
                    });
                }
            }
            info.SessionsWouldClose = candidate.EvictOnPolicyChange ? info.WouldRefuse.Count : 0;
        }
        return new ControlResponse { Ok = true, Type = request.Type, CheckLive = info };
    }

    private DateTimeOffset PolicyLoadedAt
    {
        get
        {
            lock (_lock)
            {
                return _policyLoadedAt;
            }
        }
    }

    private void OnPolicyChanged(object? sender, PolicyChangedEventArgs e)
    {
        lock (_lock)
        {
            _policyLoadedAt = e.Result.At;
        }
    }

    public void Dispose() => _manager.PolicyChanged -= OnPolicyChanged;
}
