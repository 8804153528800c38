using P2PSecurity.Core.Control;

namespace P2PSecurity.Server.Control;

/// <summary>
/// What the control channel may ask of the dashboard's login: a one-time login URL, a new password. Registered by
/// the dashboard when it is on; without it both requests answer that the dashboard is off.
/// </summary>
public interface IDashboardAccess
{
    /// <summary>A login URL carrying a fresh one-time code (never the long-lived token).</summary>
    DashboardAccessInfo IssueLoginUrl();

    /// <summary>Replaces the login password by a salted hash of <paramref name="password"/>; throws <see cref="ArgumentException"/> for one that is not acceptable.</summary>
    DashboardAccessInfo SetPassword(string password);
}
