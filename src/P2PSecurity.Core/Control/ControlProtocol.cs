namespace P2PSecurity.Core.Control;

/// <summary>
/// The control channel's protocol, defined once for the server and the three tools. One request per connection:
/// the client sends one JSON object (a <see cref="ControlRequest"/>) ending with a newline or with the end of its
/// sending side, the server answers with one JSON object (a <see cref="ControlResponse"/>) and a newline, then
/// closes. Names are snake_case. Documented in docs/CONTROL.md.
/// </summary>
public static class ControlProtocol
{
    /// <summary>The protocol version this build speaks. A request with another version gets <see cref="ErrorCodes.UnsupportedVersion"/>.</summary>
    public const int Version = 1;

    /// <summary>Largest request the server reads; a larger one gets <see cref="ErrorCodes.RequestTooLarge"/>.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>Largest response a client reads (a status with thousands of connections stays far below).</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>The most bans a <c>bans</c> answer lists (the total is exact); 10,000 take about 3 MB of JSON.</summary>
    public const int MaxBansListed = 10_000;

    /// <summary>Request types.</summary>
    public static class Requests
    {
        /// <summary>The live server's state: revision, last reload, counts, connections, refusals, limits.</summary>
        public const string Status = "status";

        /// <summary>Re-read the policy file now; the answer is the reload's result.</summary>
        public const string Reload = "reload";

        /// <summary>Which live connections a candidate policy (<c>path</c> or <c>text</c>) would refuse.</summary>
        public const string CheckLive = "check-live";

        /// <summary>Node keys recently refused at the node gate.</summary>
        public const string Pending = "pending";

        /// <summary>The kill switch: <c>action</c> "on" (with its options) or "off", or none to show the state.</summary>
        public const string Lockdown = "lockdown";


        /// <summary>Ban an address, a range or a node key, until an expiry or forever (<c>target</c>, <c>duration</c>, <c>reason</c>).</summary>
        public const string Ban = "ban";

        /// <summary>Remove the ban on a target.</summary>
        public const string Unban = "unban";

        /// <summary>The active bans.</summary>
        public const string Bans = "bans";

        /// <summary>A dashboard login URL with a one-time code (2 minutes, used once); never the long-lived token.</summary>
        public const string DashboardUrl = "dashboard-url";

        /// <summary>Sets the dashboard's login password (<c>password</c>); the server keeps only a salted hash.</summary>
        public const string DashboardPassword = "dashboard-password";

        public static IReadOnlyList<string> All { get; } = [Status, Reload, CheckLive, Pending, Lockdown, Ban, Unban, Bans, DashboardUrl, DashboardPassword];
    }

    /// <summary>Error codes of a response with <c>ok: false</c>.</summary>
    public static class ErrorCodes
    {
        public const string MalformedRequest = "malformed_request";
        public const string RequestTooLarge = "request_too_large";
        public const string UnsupportedVersion = "unsupported_version";
        public const string UnknownRequest = "unknown_request";
        public const string InvalidArgument = "invalid_argument";
        public const string Timeout = "timeout";
        public const string Busy = "busy";
        public const string InternalError = "internal_error";

        /// <summary>The connecting process is neither the server's own user nor root (checked with SO_PEERCRED).</summary>
        public const string PermissionDenied = "permission_denied";

        /// <summary>MAX_BANS bans are held and all are operator bans.</summary>
        public const string BanTableFull = "ban_table_full";
    }
}
