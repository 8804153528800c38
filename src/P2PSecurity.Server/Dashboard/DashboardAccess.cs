using P2PSecurity.Core.Control;
using P2PSecurity.Server.Control;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The dashboard's side of <c>dashboard-url</c> and <c>dashboard-password</c>, shared by the control channel and the
/// login page: the one-time codes and the password file. The URL is known once the listener has bound its port.
/// </summary>
internal sealed class DashboardAccess(DashboardLoginCodes codes, DashboardPassword password) : IDashboardAccess
{
    public DashboardLoginCodes Codes => codes;

    public DashboardPassword Password => password;

    /// <summary>Where the dashboard listens, set when it has started.</summary>
    public Uri? BaseUrl { get; set; }

    public DashboardAccessInfo IssueLoginUrl()
    {
        var url = BaseUrl ?? throw new InvalidOperationException("the dashboard has not started yet");
        var (code, expires) = codes.Issue();
        return new DashboardAccessInfo { Url = new Uri(url, "/login?code=" + code).ToString(), ExpiresAt = expires };
    }

    public DashboardAccessInfo SetPassword(string value)
    {
        password.Set(value);
        return new DashboardAccessInfo { PasswordFile = password.Path, Hash = DashboardPassword.Description };
    }
}
