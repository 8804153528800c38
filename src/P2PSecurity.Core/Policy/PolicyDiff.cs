using System.Globalization;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// Says exactly what differs between two policies, one line per setting: list entries added and removed, limits
/// and flags old and new. A network key's value is never shown, only its fingerprint.
/// </summary>
public static class PolicyDiff
{
    /// <summary>Entries listed by name in a change line before the rest is counted.</summary>
    public const int MaxListed = 10;

    public static IReadOnlyList<string> Compute(SecurityPolicy before, SecurityPolicy after)
    {
        var changes = new List<string>();
        void Scalar<T>(string key, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b))
            {
                var note = PolicyKeys.RestartOnly.Contains(key) ? " (takes effect at restart)" : string.Empty;
                changes.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: {a} -> {b}{note}"));
            }
        }

        Scalar(PolicyKeys.EnableSecurity, before.Enabled, after.Enabled);
        Scalar(PolicyKeys.RequireNodeAuthentication, before.RequireNodeAuthentication, after.RequireNodeAuthentication);
        Secret(changes, PolicyKeys.NetworkSecretKey, before.NetworkSecretKey, after.NetworkSecretKey, before.NetworkKeySource, after.NetworkKeySource);
        Secret(changes, PolicyKeys.NetworkSecretKeyPrevious, before.NetworkSecretKeyPrevious, after.NetworkSecretKeyPrevious,
            before.NetworkKeyPreviousSource, after.NetworkKeyPreviousSource);
        Scalar(PolicyKeys.MaxConnectionsPerIp, before.MaxConnectionsPerIp, after.MaxConnectionsPerIp);
        Scalar(PolicyKeys.ConnectionRateLimit, before.ConnectionRateLimit, after.ConnectionRateLimit);
        Scalar(PolicyKeys.MessageRateLimit, before.MessageRateLimit, after.MessageRateLimit);
        Scalar(PolicyKeys.Ipv6LimitPrefix, before.Ipv6LimitPrefix, after.Ipv6LimitPrefix);
        Scalar(PolicyKeys.MaxConnections, before.MaxConnections, after.MaxConnections);
        Scalar(PolicyKeys.MaxPendingHandshakes, before.MaxPendingHandshakes, after.MaxPendingHandshakes);
        List(changes, PolicyKeys.AllowedNodeKeys, "added", "removed", before.AllowedNodeKeys, after.AllowedNodeKeys, k => k.ToString());
        List(changes, PolicyKeys.BlockedNodeKeys, "blocked", "unblocked", before.BlockedNodeKeys, after.BlockedNodeKeys, k => k.ToString());
        List(changes, PolicyKeys.BlockedIpAddresses, "blocked", "unblocked", before.BlockedIpEntries, after.BlockedIpEntries, e => e);
        Scalar(PolicyKeys.EnableMessageSigning, before.EnableMessageSigning, after.EnableMessageSigning);
        Scalar(PolicyKeys.RejectUnsignedMessages, before.RejectUnsignedMessages, after.RejectUnsignedMessages);
        Scalar(PolicyKeys.LogSecurityEvents, before.LogSecurityEvents, after.LogSecurityEvents);
        Scalar(PolicyKeys.SecurityLogFile, before.SecurityLogFile, after.SecurityLogFile);
        Scalar(PolicyKeys.Port, before.Port, after.Port);
        Scalar(PolicyKeys.ListenAddress, before.ListenAddress, after.ListenAddress);
        Scalar(PolicyKeys.HandshakeTimeout, before.HandshakeTimeout, after.HandshakeTimeout);
        Scalar(PolicyKeys.MaxFrameSize, before.MaxFrameSize, after.MaxFrameSize);
        Scalar(PolicyKeys.FrameTimeout, before.FrameTimeout, after.FrameTimeout);
        Scalar(PolicyKeys.BroadcastMaxAge, before.BroadcastMaxAge, after.BroadcastMaxAge);
        Scalar(PolicyKeys.NodeIdentityFile, before.NodeIdentityFile, after.NodeIdentityFile);
        Scalar(PolicyKeys.EvictOnPolicyChange, before.EvictOnPolicyChange, after.EvictOnPolicyChange);
        Scalar(PolicyKeys.ControlSocket, before.ControlSocket, after.ControlSocket);
        Scalar(PolicyKeys.BootstrapAddresses, string.Join(",", before.BootstrapAddresses), string.Join(",", after.BootstrapAddresses));
        Scalar(PolicyKeys.Lockdown, before.Lockdown, after.Lockdown);
        Scalar(PolicyKeys.DashboardAddress, WebListenAddress.Format(before.DashboardAddress), WebListenAddress.Format(after.DashboardAddress));
        Scalar(PolicyKeys.DashboardCertFile, before.DashboardCertFile, after.DashboardCertFile);
        Scalar(PolicyKeys.MetricsAddress, WebListenAddress.Format(before.MetricsAddress), WebListenAddress.Format(after.MetricsAddress));
        Scalar(PolicyKeys.StateDatabase, before.StateDatabase, after.StateDatabase);
        Bans.AutoBanDiff.Compute(changes, before.AutoBan, after.AutoBan);
        Fleet.FleetSettingsDiff.Compute(changes, before.Fleet, after.Fleet);
        return changes;
    }

    /// <summary>A key's change by fingerprint (see <see cref="Secrets.KeyFingerprint"/>); where it comes from when only that moved.</summary>
    private static void Secret(List<string> changes, string key, string before, string after, string beforeSource, string afterSource)
    {
        var (a, b) = (Secrets.KeyFingerprint.Of(before), Secrets.KeyFingerprint.Of(after));
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            changes.Add((before.Length > 0, after.Length > 0) switch
            {
                (false, true) => $"{key}: set (fingerprint {b}, value hidden)",
                (true, false) => $"{key}: removed (was fingerprint {a})",
                _ => $"{key}: changed, fingerprint {a} -> {b} (value hidden)",
            });
        }
        else if (after.Length > 0 && !string.Equals(beforeSource, afterSource, StringComparison.Ordinal))
        {
            changes.Add($"{key}: same key (fingerprint {b}), now from {afterSource}");
        }
    }

    /// <summary>
    /// Compares the two sets as they are (each look-up is a hash probe) and formats only what differs: a reload of a
    /// 100,000-entry list that changed one entry must not turn 200,000 keys into strings.
    /// </summary>
    private static void List<T>(List<string> changes, string key, string addedVerb, string removedVerb, IReadOnlySet<T> before, IReadOnlySet<T> after, Func<T, string> format)
    {
        if (ReferenceEquals(before, after))
        {
            return;
        }
        List<string> added;
        List<string> removed;
        if (after is EntrySet derived && derived.IsDerivedFrom((IReadOnlySet<string>)before))
        {
            // A reload that patched a few entries of a long list knows what it patched.
            added = [.. derived.Added.Order(StringComparer.Ordinal)];
            removed = [.. derived.Removed.Order(StringComparer.Ordinal)];
        }
        else if (after is NodeKeySet patched && before is NodeKeySet source && patched.IsDerivedFrom(source))
        {
            added = [.. patched.Added.Select(k => k.ToString()).Order(StringComparer.Ordinal)];
            removed = [.. patched.Removed.Select(k => k.ToString()).Order(StringComparer.Ordinal)];
        }
        else
        {
            var addedItems = after.Where(x => !before.Contains(x)).ToList();
            added = [.. addedItems.Select(format).Order(StringComparer.Ordinal)];
            // Every entry of before that is not in after: none when no entry was added and the counts are equal, and
            // then the second pass over a long list is skipped.
            removed = before.Count == after.Count - addedItems.Count
                ? []
                : [.. before.Where(x => !after.Contains(x)).Select(format).Order(StringComparer.Ordinal)];
        }
        if (added.Count > 0)
        {
            changes.Add($"{key}: {addedVerb} {Format(added)}");
        }
        if (removed.Count > 0)
        {
            changes.Add($"{key}: {removedVerb} {Format(removed)}");
        }
    }

    private static string Format(List<string> items)
    {
        var shown = string.Join(", ", items.Take(MaxListed));
        return items.Count > MaxListed
            ? string.Create(CultureInfo.InvariantCulture, $"{items.Count:N0}: {shown}, and {items.Count - MaxListed:N0} more")
            : shown;
    }
}
