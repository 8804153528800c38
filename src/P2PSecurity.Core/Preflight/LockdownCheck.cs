using System.Globalization;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Preflight;

/// <summary>
/// Will the server start locked down? The operator's lockdown is kept in the state database; a running server holds
/// that database locked, so it is asked instead. An old state file beside the policy counts while the database has
/// no lockdown yet (the server imports it at start).
/// </summary>
internal static class LockdownCheck
{
    public static async Task<PreflightCheck> RunAsync(string envPath, SecurityPolicy policy, ServerProbe server, CancellationToken cancellationToken)
    {
        var database = policy.ResolvePath(policy.StateDatabase);
        var state = LockdownTable.ReadFile(database, out var found, out var error);
        if (state is null)
        {
            if (await server.StatusAsync(cancellationToken).ConfigureAwait(false) is { } status)
            {
                return Running(status.Lockdown, policy);
            }
            return PreflightCheck.Warn("lockdown", $"lockdown state in {database} cannot be read ({error}): the server will start locked down (fail closed), or refuse to start if the database is damaged",
                "reload_security lockdown off once it runs");
        }
        var where = database;
        if (!found)
        {
            var file = LockdownStore.PathFor(envPath);
            state = LockdownStore.Read(file, out error);
            where = file;
            if (state is null)
            {
                return PreflightCheck.Warn("lockdown", $"lockdown state {file} cannot be read ({error}): the server will start locked down (fail closed)",
                    "reload_security lockdown off once it runs, or delete the file if no lockdown is meant");
            }
        }
        if (state.Active)
        {
            var since = state.Since is { } s ? " since " + s.ToString("u", CultureInfo.InvariantCulture) : string.Empty;
            var reason = state.Reason is { } r ? $", reason: {Logging.LogText.Escape(r)}" : string.Empty;
            return PreflightCheck.Warn("lockdown", $"lockdown {state.Describe()}{since}{reason}: the server will start locked down ({where})",
                "reload_security lockdown off lifts it once the server runs");
        }
        return NotLockedDown(policy);
    }

    private static PreflightCheck Running(LockdownInfo lockdown, SecurityPolicy policy)
    {
        if (!lockdown.Active)
        {
            return NotLockedDown(policy);
        }
        var since = lockdown.Since is { } s ? " since " + s.ToString("u", CultureInfo.InvariantCulture) : string.Empty;
        var reason = lockdown.Reason is { } r ? $", reason: {Logging.LogText.Escape(r)}" : string.Empty;
        return PreflightCheck.Warn("lockdown", $"the running server is locked down: {lockdown.Mode}{since}{reason}; a restart stays locked down",
            "reload_security lockdown off lifts it");
    }

    private static PreflightCheck NotLockedDown(SecurityPolicy policy) => policy.Lockdown
        ? PreflightCheck.Warn("lockdown", "LOCKDOWN=true in the policy file: the server will refuse every connection", "remove LOCKDOWN=true to lift it")
        : PreflightCheck.Ok("lockdown", "not locked down");
}
