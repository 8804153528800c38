using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// What a reload changes in FLEET_*, for the reload's change lines, and whether the fleet must be re-connected.
/// Every FLEET_* setting takes effect on a reload: the server re-connects with the new settings, from the state it
/// last applied (as a restart would). A password is never shown, only that it changed.
/// </summary>
public static class FleetSettingsDiff
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> make the same fleet connection (null: no fleet).</summary>
    public static bool Same(FleetSettings? a, FleetSettings? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        return a.Host == b.Host && a.Port == b.Port && a.Database == b.Database && a.User == b.User &&
               a.Name == b.Name && a.OperatorIdentityFile == b.OperatorIdentityFile &&
               a.PasswordSource == b.PasswordSource &&
               System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                   System.Text.Encoding.UTF8.GetBytes(a.Password), System.Text.Encoding.UTF8.GetBytes(b.Password)) &&
               a.OperatorKeys.SetEquals(b.OperatorKeys);
    }

    public static void Compute(List<string> changes, FleetSettings? before, FleetSettings? after)
    {
        if (Same(before, after))
        {
            return;
        }
        if (before is null || after is null)
        {
            changes.Add(after is null
                ? $"{PolicyKeys.FleetRedis}: {before!.Display} -> (none): the node leaves fleet {before.Name}; its fleet decisions are no longer enforced"
                : $"{PolicyKeys.FleetRedis}: (none) -> {after.Display}: the node joins fleet {after.Name}");
            return;
        }
        const string Reconnects = " (the fleet re-connects)";
        if (before.Display != after.Display)
        {
            changes.Add($"{PolicyKeys.FleetRedis}: {before.Display} -> {after.Display}{Reconnects}");
        }
        if (before.Name != after.Name)
        {
            changes.Add($"{PolicyKeys.FleetName}: {before.Name} -> {after.Name}{Reconnects}");
        }
        var added = after.OperatorKeys.Except(before.OperatorKeys).Select(k => k.ToShortString()).Order(StringComparer.Ordinal).ToList();
        var removed = before.OperatorKeys.Except(after.OperatorKeys).Select(k => k.ToShortString()).Order(StringComparer.Ordinal).ToList();
        if (added.Count + removed.Count > 0)
        {
            var parts = new List<string>();
            if (added.Count > 0)
            {
                parts.Add("added " + string.Join(", ", added.Take(PolicyDiff.MaxListed)) + (added.Count > PolicyDiff.MaxListed ? $" and {added.Count - PolicyDiff.MaxListed} more" : ""));
            }
            if (removed.Count > 0)
            {
                parts.Add("removed " + string.Join(", ", removed.Take(PolicyDiff.MaxListed)) + (removed.Count > PolicyDiff.MaxListed ? $" and {removed.Count - PolicyDiff.MaxListed} more" : ""));
            }
            changes.Add($"{PolicyKeys.FleetOperatorKeys}: {string.Join("; ", parts)}{Reconnects}");
        }
        if (before.OperatorIdentityFile != after.OperatorIdentityFile)
        {
            changes.Add($"{PolicyKeys.FleetOperatorIdentity}: {before.OperatorIdentityFile} -> {after.OperatorIdentityFile}");
        }
        if (before.PasswordSource != after.PasswordSource || before.Password != after.Password)
        {
            changes.Add($"{PolicyKeys.FleetRedisPasswordFile}: the Redis password changed ({(after.PasswordSource.Length == 0 ? "none now" : "from " + after.PasswordSource)}){Reconnects}");
        }
    }
}
