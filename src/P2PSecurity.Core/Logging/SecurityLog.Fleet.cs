using Microsoft.Extensions.Logging;

namespace P2PSecurity.Core.Logging;

public static partial class SecurityLog
{
    [LoggerMessage(5000, LogLevel.Information, "fleet_loaded fleet={Fleet} last_id={LastId} decisions={Decisions} operators={Operators}")]
    public static partial void FleetLoaded(ILogger logger, string fleet, string lastId, int decisions, int operators);

    [LoggerMessage(5001, LogLevel.Information, "fleet_connected fleet={Fleet} hub={Hub} last_id={LastId}")]
    public static partial void FleetConnected(ILogger logger, string fleet, string hub, string lastId);

    [LoggerMessage(5002, LogLevel.Warning, "fleet_unreachable fleet={Fleet} hub={Hub} error={Error}; the last applied state (last_id={LastId}) stays in force, retrying in {RetryMs} ms")]
    public static partial void FleetUnreachable(ILogger logger, string fleet, string hub, string error, string lastId, long retryMs);

    [LoggerMessage(5003, LogLevel.Information, "fleet_applied source=fleet id={Id} decision={Decision}")]
    public static partial void FleetApplied(ILogger logger, string id, string decision);

    [LoggerMessage(5004, LogLevel.Warning, "fleet_rejected source=fleet id={Id} why={Why} signer={Signer}")]
    public static partial void FleetRejected(ILogger logger, string id, string why, string signer);

    [LoggerMessage(5005, LogLevel.Warning, "fleet_gap source=fleet id={Id} prev={Prev} last_applied={LastApplied}: entries between are missing from the hub and no snapshot covers them")]
    public static partial void FleetGap(ILogger logger, string id, string prev, string lastApplied);

    [LoggerMessage(5006, LogLevel.Information, "fleet_snapshot_loaded source=fleet covers={Covers} decisions={Decisions} previous_last_id={Previous} enforcing_after_ms={EnforcingMs} stored_after_ms={StoredMs}")]
    public static partial void FleetSnapshotLoaded(ILogger logger, string covers, int decisions, string previous, long enforcingMs, long storedMs);

    [LoggerMessage(5007, LogLevel.Information, "fleet_snapshot_written source=fleet covers={Covers} decisions={Decisions}")]
    public static partial void FleetSnapshotWritten(ILogger logger, string covers, int decisions);

    [LoggerMessage(5008, LogLevel.Warning, "fleet_snapshot_rejected source=fleet covers={Covers} why={Why}")]
    public static partial void FleetSnapshotRejected(ILogger logger, string covers, string why);

    [LoggerMessage(5009, LogLevel.Warning, "session_closed source=fleet address={Address} node={Node} reason={Reason}")]
    public static partial void FleetSessionClosed(ILogger logger, string address, string node, string reason);

    [LoggerMessage(5010, LogLevel.Error, "fleet_store_failed what={What} error={Error}; the fleet state stays in force in memory")]
    public static partial void FleetStoreFailed(ILogger logger, string what, string error);

    [LoggerMessage(5011, LogLevel.Information, "fleet_published source=fleet id={Id} decision={Decision}")]
    public static partial void FleetPublished(ILogger logger, string id, string decision);

    [LoggerMessage(5012, LogLevel.Information, "fleet_reconfigured from={From} to={To} decisions={Decisions}: FLEET_* changed by a reload; the fleet in force now is the new one")]
    public static partial void FleetReconfigured(ILogger logger, string from, string to, int decisions);

    [LoggerMessage(5013, LogLevel.Warning, "fleet_reconfigure_failed to={To} error={Error}; the fleet in force stays: {InForce}. Fix the cause and reload again (or restart)")]
    public static partial void FleetReconfigureFailed(ILogger logger, string to, string error, string inForce);
}
