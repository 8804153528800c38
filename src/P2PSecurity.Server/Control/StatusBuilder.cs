using System.Reflection;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Control;

/// <summary>Builds the answer to <c>status</c> from the security manager and the server's own facts.</summary>
internal static class StatusBuilder
{
    /// <summary>Per-node and per-address lists are cut to the busiest this many; the totals stay exact.</summary>
    public const int MaxListed = 1000;

    private static readonly string? Version = typeof(StatusBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static StatusInfo Build(SecurityManager manager, IServerStatusSource? server, DateTimeOffset policyLoadedAt)
    {
        var policy = manager.Policy;
        var live = manager.LiveConnections;
        return new StatusInfo
        {
            Lockdown = LockdownRequest.Describe(manager),
            Server = new ServerInfo
            {
                ListenEndpoint = server?.ListenEndpoint,
                NodeKey = server?.NodeKey,
                Profile = server?.Profile,
                ProcessId = Environment.ProcessId,
                Version = Version,
            },
            StartedAt = manager.StartedAt,
            PolicyPath = manager.PolicyPath,
            PolicyRevision = policy.Revision,
            PolicyLoadedAt = policyLoadedAt,
            LastReload = ReloadInfo.From(manager.LastReload),
            PolicyFileEmpty = manager.LastReload.Outcome == ReloadOutcome.Empty,
            SecurityEnabled = policy.Enabled,
            Mode = !policy.Enabled ? "disabled" : policy.WhitelistMode ? "whitelist" : "open",
            ModeDescription = policy.ModeDescription,
            AllowedNodeKeys = policy.AllowedNodeKeys.Count,
            BlockedNodeKeys = policy.BlockedNodeKeys.Count,
            BlockedIpEntries = policy.BlockedIpEntries.Count,
            LiveConnections = live.Count,
            AuthenticatedConnections = live.Count(s => s.Authenticated),
            PendingHandshakes = manager.PendingHandshakes,
            OutboundConnections = live.Count(s => s.Outbound),
            ConnectionsByNode = Counts(live.Where(s => s.NodeKey is not null).Select(s => s.NodeKey!.Value.ToString())),
            ConnectionsByIp = Counts(live.Select(s => s.Address.ToString())),
            RefusalsByReason = manager.RefusalCounts.ToDictionary(r => r.Key.Code(), r => r.Value, StringComparer.Ordinal),
            Limits = new LimitsInfo
            {
                RequireNodeAuthentication = policy.RequireNodeAuthentication,
                NetworkKeySet = policy.NetworkSecretKey.Length > 0,
                MaxConnectionsPerIp = policy.MaxConnectionsPerIp,
                Ipv6LimitPrefix = policy.Ipv6LimitPrefix,
                MaxConnections = policy.MaxConnections,
                MaxPendingHandshakes = policy.MaxPendingHandshakes,
                ConnectionRateLimit = policy.ConnectionRateLimit.ToString(),
                MessageRateLimit = policy.MessageRateLimit.ToString(),
                HandshakeTimeoutSeconds = policy.HandshakeTimeout.TotalSeconds,
                MaxFrameSize = policy.MaxFrameSize,
                FrameTimeoutSeconds = policy.FrameTimeout.TotalSeconds,
                EnableMessageSigning = policy.EnableMessageSigning,
                RejectUnsignedMessages = policy.RejectUnsignedMessages,
                EvictOnPolicyChange = policy.EvictOnPolicyChange,
            },
            NetworkKey = NetworkKeys(policy, live),
        };
    }

    /// <summary>Fingerprints only: the keys' values never leave the server. Sessions by id, oldest first.</summary>
    private static NetworkKeyInfo NetworkKeys(SecurityPolicy policy, IReadOnlyCollection<ConnectionSlot> live)
    {
        var info = NetworkKeyInfo.From(policy);
        info.Sessions =
        [
            .. live.Where(s => s.Authenticated).OrderBy(s => s.Id).Take(MaxListed).Select(s => new SessionKeyInfo
            {
                Id = s.Id,
                Address = s.Address.ToString(),
                NodeKey = s.NodeKey?.ToString(),
                Outbound = s.Outbound,
                Proved = s.NetworkKeyFingerprint,
            }),
        ];
        return info;
    }

    private static List<NameCount> Counts(IEnumerable<string> names) =>
    [
        .. names.GroupBy(n => n, StringComparer.Ordinal)
            .Select(g => new NameCount { Name = g.Key, Count = g.Count() })
            .OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(MaxListed),
    ];
}
