using P2PSecurity.Core.Control;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Security;
using static P2PSecurity.Core.Control.ControlProtocol;

namespace P2PSecurity.Server.Control;

/// <summary>Answers <c>lockdown</c>: engage (<c>action: "on"</c> and its options), lift (<c>"off"</c>), or show (no action).</summary>
internal static class LockdownRequest
{
    /// <summary>The longest <c>--for</c> accepted; longer is a mistake more often than a plan.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    public static ControlResponse Handle(SecurityManager manager, ControlRequest request)
    {
        switch (request.Action)
        {
            case null:
                return Answer(request, Describe(manager));
            case "on":
                if (Validate(request) is { } problem)
                {
                    return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, problem);
                }
                var options = new LockdownOptions
                {
                    AllowTrusted = request.AllowTrusted == true,
                    KeepSessions = request.KeepSessions == true,
                    For = request.ForSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                    Reason = request.Reason,
                };
                var (change, closed) = manager.EngageLockdown(options);
                var engaged = Describe(manager);
                engaged.SessionsClosed = closed;
                engaged.PersistError = change.PersistError;
                return Answer(request, engaged);
            case "off":
                if (request.AllowTrusted is not null || request.KeepSessions is not null || request.ForSeconds is not null || request.Reason is not null)
                {
                    return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument, "lockdown off takes no options");
                }
                var lifted = manager.Lockdown.Lift();
                var after = Describe(manager);
                after.PersistError = lifted.PersistError;
                if (after.Active)
                {
                    after.Note = $"LOCKDOWN=true in {manager.PolicyPath} keeps the server locked down; remove it from the file to lift it";
                }
                else if (!lifted.Before.Active)
                {
                    after.Note = "the server was not locked down";
                }
                return Answer(request, after);
            default:
                return ControlResponse.Failure(request.Type, ErrorCodes.InvalidArgument,
                    $"lockdown action '{Core.Logging.LogText.Escape(request.Action)}' is not known; use \"on\", \"off\", or none to show the state");
        }
    }

    /// <summary>The lockdown in force now, as <c>status</c> shows it.</summary>
    public static LockdownInfo Describe(SecurityManager manager) =>
        LockdownInfo.From(manager.LockdownInForce(manager.Policy), manager.Lockdown.PolicyFileSince, manager.Lockdown.StatePath);

    private static string? Validate(ControlRequest request)
    {
        if (request.ForSeconds is { } seconds && (double.IsNaN(seconds) || seconds <= 0 || seconds > MaxDuration.TotalSeconds))
        {
            return $"for_seconds must be more than 0 and at most {MaxDuration.TotalSeconds:0} (366 days)";
        }
        if (request.Reason is { } reason)
        {
            if (reason.Length > LockdownOptions.MaxReasonLength)
            {
                return $"the reason is {reason.Length} characters; at most {LockdownOptions.MaxReasonLength}";
            }
            if (reason.Any(char.IsControl))
            {
                return "the reason must be one line of printable text (no control characters)";
            }
        }
        return null;
    }

    private static ControlResponse Answer(ControlRequest request, LockdownInfo info) =>
        new() { Ok = true, Type = request.Type, Lockdown = info };
}
