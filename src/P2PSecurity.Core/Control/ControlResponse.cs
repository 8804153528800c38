namespace P2PSecurity.Core.Control;

/// <summary>
/// The answer to one request: <c>ok</c> and the payload named after the request type, or <c>ok: false</c> and an
/// <see cref="ControlError"/>. One envelope for every request keeps the protocol and its source-generated JSON small.
/// </summary>
public sealed class ControlResponse
{
    public int Version { get; set; } = ControlProtocol.Version;

    public bool Ok { get; set; }

    /// <summary>The request type answered (null when the request could not be read).</summary>
    public string? Type { get; set; }

    public ControlError? Error { get; set; }

    public StatusInfo? Status { get; set; }

    public ReloadInfo? Reload { get; set; }

    public CheckLiveInfo? CheckLive { get; set; }

    public PendingInfo? Pending { get; set; }

    public LockdownInfo? Lockdown { get; set; }

    /// <summary>ban and unban.</summary>
    public BanChangeInfo? Ban { get; set; }

    public BansInfo? Bans { get; set; }

    /// <summary>dashboard-url and dashboard-password.</summary>
    public DashboardAccessInfo? Dashboard { get; set; }

    public static ControlResponse Failure(string? type, string code, string message) =>
        new() { Ok = false, Type = type, Error = new ControlError { Code = code, Message = message } };
}
