using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// Turns the text of a policy file into a <see cref="SecurityPolicy"/>, or into the complete list of what is wrong.
/// Every check runs; nothing stops at the first error, so an operator fixes a file in one pass.
/// </summary>
public static class PolicyLoader
{
    /// <summary>Validates file bytes; <paramref name="sourcePath"/> anchors relative paths.</summary>
    public static PolicyLoadResult Load(byte[] bytes, string? sourcePath) => Load(bytes, sourcePath, contentHash: null);

    /// <summary>As above, with the bytes' SHA-256 already computed by the caller (a reload hashes first to skip unchanged content).</summary>
    internal static PolicyLoadResult Load(byte[] bytes, string? sourcePath, string? contentHash, PolicyLoadContext? context = null, PolicyParseCache? reuse = null)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var line = 1 + bytes.AsSpan(0, Math.Max(0, Math.Min(ex.Index, bytes.Length))).Count((byte)'\n');
            return new PolicyLoadResult(null, [new PolicyDiagnostic(DiagnosticSeverity.Error, line, null, null, "the file is not valid UTF-8 text (binary or another encoding?)")]);
        }
        return Load(text, sourcePath, contentHash ?? Convert.ToHexStringLower(SHA256.HashData(bytes)), context, reuse);
    }

    /// <summary>
    /// Validates file text. Secret files it names are read too (relative to <paramref name="sourcePath"/>'s folder),
    /// and the systemd credential in <paramref name="context"/> (default: this process's <c>$CREDENTIALS_DIRECTORY</c>).
    /// </summary>
    public static PolicyLoadResult Load(string text, string? sourcePath, string? contentHash = null, PolicyLoadContext? context = null) =>
        Load(text, sourcePath, contentHash, context, reuse: null);

    /// <summary>
    /// As above, reusing what an earlier load parsed (<paramref name="reuse"/>): a list whose value is unchanged is
    /// taken whole, and a block list in which a few entries changed is parsed only where it changed. The result's
    /// <see cref="PolicyLoadResult.Parsed"/> is what to pass to the next load.
    /// </summary>
    internal static PolicyLoadResult Load(string text, string? sourcePath, string? contentHash, PolicyLoadContext? context, PolicyParseCache? reuse)
    {
        var document = EnvFileParser.Parse(text);
        var diagnostics = new List<PolicyDiagnostic>();
        foreach (var error in document.Errors)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, error.Line, null, null, error.Message));
        }
        var values = CollectKnownKeys(document, diagnostics);
        var reader = new SettingReader(values, diagnostics);
        var defaults = SecurityPolicy.Defaults;

        var allowed = reader.KeySet(PolicyKeys.AllowedNodeKeys, reuse?.AllowedNodeKeys);
        var blocked = reader.KeySet(PolicyKeys.BlockedNodeKeys, reuse?.BlockedNodeKeys);
        var blockList = reader.BlockList(PolicyKeys.BlockedIpAddresses, reuse?.BlockedIps);
        var keys = NetworkKeyReader.Read(values, diagnostics, sourcePath, context ?? PolicyLoadContext.FromEnvironment(), reader.Secret);
        var policy = new SecurityPolicy
        {
            SourcePath = sourcePath,
            ContentHash = contentHash ?? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))),
            Enabled = reader.Bool(PolicyKeys.EnableSecurity, defaults.Enabled),
            RequireNodeAuthentication = reader.Bool(PolicyKeys.RequireNodeAuthentication, defaults.RequireNodeAuthentication),
            NetworkSecretKey = keys.Current,
            NetworkSecretKeyPrevious = keys.Previous,
            NetworkKeySource = keys.CurrentSource,
            NetworkKeyPreviousSource = keys.PreviousSource,
            SecretFiles = keys.Files,
            MaxConnectionsPerIp = reader.Int(PolicyKeys.MaxConnectionsPerIp, defaults.MaxConnectionsPerIp, 1, 100_000),
            ConnectionRateLimit = reader.Rate(PolicyKeys.ConnectionRateLimit, defaults.ConnectionRateLimit),
            MessageRateLimit = reader.Rate(PolicyKeys.MessageRateLimit, defaults.MessageRateLimit),
            AllowedNodeKeys = allowed?.Keys ?? NodeKeySet.Empty,
            BlockedNodeKeys = blocked?.Keys ?? NodeKeySet.Empty,
            BlockedIpEntries = blockList is null ? System.Collections.ObjectModel.ReadOnlySet<string>.Empty : blockList.Entries,
            BlockedIps = blockList?.Set ?? IpRangeSet.Empty,
            EnableMessageSigning = reader.Bool(PolicyKeys.EnableMessageSigning, defaults.EnableMessageSigning),
            RejectUnsignedMessages = reader.Bool(PolicyKeys.RejectUnsignedMessages, defaults.RejectUnsignedMessages),
            LogSecurityEvents = reader.Bool(PolicyKeys.LogSecurityEvents, defaults.LogSecurityEvents),
            SecurityLogFile = reader.Path(PolicyKeys.SecurityLogFile, defaults.SecurityLogFile),
            Port = reader.Int(PolicyKeys.Port, defaults.Port, 1, 65535),
            ListenAddress = reader.ListenAddress(PolicyKeys.ListenAddress, defaults.ListenAddress),
            HandshakeTimeout = reader.Duration(PolicyKeys.HandshakeTimeout, defaults.HandshakeTimeout),
            MaxFrameSize = reader.Size(PolicyKeys.MaxFrameSize, defaults.MaxFrameSize),
            FrameTimeout = reader.Duration(PolicyKeys.FrameTimeout, defaults.FrameTimeout),
            BroadcastMaxAge = reader.Duration(PolicyKeys.BroadcastMaxAge, defaults.BroadcastMaxAge, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), "10s to 1h"),
            NodeIdentityFile = reader.Path(PolicyKeys.NodeIdentityFile, defaults.NodeIdentityFile),
            EvictOnPolicyChange = reader.Bool(PolicyKeys.EvictOnPolicyChange, defaults.EvictOnPolicyChange),
            ControlSocket = reader.Path(PolicyKeys.ControlSocket, defaults.ControlSocket),
            BootstrapAddresses = reader.Bootstrap(PolicyKeys.BootstrapAddresses),
            Lockdown = reader.Bool(PolicyKeys.Lockdown, defaults.Lockdown),
            DashboardAddress = reader.WebAddress(PolicyKeys.DashboardAddress, defaults.DashboardAddress, WebListenAddress.DashboardDefault),
            DashboardCertFile = reader.Path(PolicyKeys.DashboardCertFile, defaults.DashboardCertFile),
            MetricsAddress = reader.WebAddress(PolicyKeys.MetricsAddress, defaults.MetricsAddress, WebListenAddress.MetricsDefault),
            Ipv6LimitPrefix = reader.Int(PolicyKeys.Ipv6LimitPrefix, defaults.Ipv6LimitPrefix, 48, 128),
            MaxConnections = reader.Int(PolicyKeys.MaxConnections, defaults.MaxConnections, 1, 1_000_000),
            MaxPendingHandshakes = reader.Int(PolicyKeys.MaxPendingHandshakes, defaults.MaxPendingHandshakes, 1, 1_000_000),
            StateDatabase = reader.Path(PolicyKeys.StateDatabase, defaults.StateDatabase),
            AutoBan = reader.AutoBan(defaults.AutoBan),
        };
        // Strikes and automatic bans count an IPv6 offender by the same network as the per-address limits.
        policy = policy with { AutoBan = policy.AutoBan with { Ipv6Prefix = policy.Ipv6LimitPrefix } };
        policy = policy with
        {
            Fleet = Fleet.FleetSettingsReader.Read(values, diagnostics, sourcePath, context ?? PolicyLoadContext.FromEnvironment(),
                (IReadOnlySet<NodeKey>?)reader.KeySet(PolicyKeys.FleetOperatorKeys, null)?.Keys ?? NodeKeySet.Empty, policy.NodeIdentityFile),
        };

        // The shorter list is walked and looked up in the other: 100,000 blocked keys and no allowed ones cost nothing.
        var (fewer, more) = policy.BlockedNodeKeys.Count <= policy.AllowedNodeKeys.Count
            ? (policy.BlockedNodeKeys, policy.AllowedNodeKeys)
            : (policy.AllowedNodeKeys, policy.BlockedNodeKeys);
        foreach (var key in fewer.Where(more.Contains).OrderBy(k => k.ToString(), StringComparer.Ordinal))
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, values.GetValueOrDefault(PolicyKeys.BlockedNodeKeys)?.Line, PolicyKeys.BlockedNodeKeys, null,
                $"node {key.ToShortString()}… is both allowed and blocked; the block wins"));
        }
        if (policy.RejectUnsignedMessages && !policy.EnableMessageSigning)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, values.GetValueOrDefault(PolicyKeys.RejectUnsignedMessages)?.Line, PolicyKeys.RejectUnsignedMessages, null,
                "is true while ENABLE_MESSAGE_SIGNING is false: this node sends unsigned messages that signing peers will drop"));
        }
        if (policy.Lockdown)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, values.GetValueOrDefault(PolicyKeys.Lockdown)?.Line, PolicyKeys.Lockdown, null,
                "is true: the server is locked down, every new connection is refused and open sessions are closed"));
        }
        if (policy.MaxPendingHandshakes > policy.MaxConnections)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, values.GetValueOrDefault(PolicyKeys.MaxPendingHandshakes)?.Line, PolicyKeys.MaxPendingHandshakes, null,
                $"is above MAX_CONNECTIONS ({policy.MaxConnections}): handshakes that never finish can take every connection, and the pending cap never evicts"));
        }
        if (!policy.Enabled)
        {
            SecurityOffAcknowledgement.Check(values, diagnostics);
        }

        var ok = diagnostics.TrueForAll(d => d.Severity != DiagnosticSeverity.Error);
        // Settings are read in a fixed order; an operator reads the file top to bottom. (Stable: same-line findings keep their order.)
        var inFileOrder = diagnostics.OrderBy(d => d.Line ?? 0).ToList();
        return new PolicyLoadResult(ok ? policy : null, inFileOrder)
        {
            SecretFiles = keys.Files,
            Parsed = new PolicyParseCache(allowed ?? reuse?.AllowedNodeKeys, blocked ?? reuse?.BlockedNodeKeys, blockList ?? reuse?.BlockedIps),
        };
    }

    private static Dictionary<string, EnvAssignment> CollectKnownKeys(EnvDocument document, List<PolicyDiagnostic> diagnostics)
    {
        var known = new HashSet<string>(PolicyKeys.All, StringComparer.Ordinal);
        var values = new Dictionary<string, EnvAssignment>(StringComparer.Ordinal);
        var warnedNearMiss = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assignment in document.Assignments)
        {
            if (known.Contains(assignment.Key))
            {
                if (values.TryGetValue(assignment.Key, out var earlier))
                {
                    diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, assignment.Line, assignment.Key, null,
                        $"is given twice, on lines {earlier.Line} and {assignment.Line}; the last one (line {assignment.Line}) is used"));
                }
                values[assignment.Key] = assignment;
            }
            else if (NearMiss.Find(assignment.Key) is { } meant && warnedNearMiss.Add(assignment.Key))
            {
                diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, assignment.Line, EnvFileParser.Shorten(assignment.Key), null,
                    $"is not a setting and is ignored; did you mean {meant}?"));
            }
        }
        return values;
    }

    /// <summary>Reads typed settings, adding a diagnostic for each bad one and falling back to the default.</summary>
    private sealed class SettingReader(Dictionary<string, EnvAssignment> values, List<PolicyDiagnostic> diagnostics)
    {
        // The value is kept as written (only cut); PolicyDiagnostic escapes it when printed, exactly once.
        private void Error(EnvAssignment a, string? value, string message, int? line = null) =>
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, line ?? a.Line, a.Key, value is null ? null : EnvFileParser.Truncate(value), message));

        private void Warn(EnvAssignment a, string? value, string message, int? line = null) =>
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, line ?? a.Line, a.Key, value is null ? null : EnvFileParser.Truncate(value), message));

        private bool TryGet(string key, out EnvAssignment assignment, out string value)
        {
            if (values.TryGetValue(key, out assignment!))
            {
                value = assignment.Value.Trim();
                return value.Length > 0;
            }
            value = string.Empty;
            return false;
        }

        public bool Bool(string key, bool fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            switch (v.ToLowerInvariant())
            {
                case "true" or "1" or "yes" or "on":
                    return true;
                case "false" or "0" or "no" or "off":
                    return false;
                default:
                    Error(a, v, "is not a boolean (true/false, yes/no, on/off, 1/0)");
                    return fallback;
            }
        }

        public int Int(string key, int fallback, int min, int max)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            {
                return n;
            }
            Error(a, v, $"is not a whole number from {min} to {max}");
            return fallback;
        }

        public RateLimit Rate(string key, RateLimit fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (RateLimit.TryParse(v, out var limit, out var error))
            {
                return limit;
            }
            Error(a, v, "is not a rate: " + error);
            return fallback;
        }

        public string Secret(string key)
        {
            if (!values.TryGetValue(key, out var a) || a.Value.Length == 0)
            {
                return string.Empty;
            }
            // The value is never echoed, not even in an error.
            if (a.Value.Length < 16)
            {
                Warn(a, null, $"is only {a.Value.Length} characters; use at least 16 random characters (e.g. openssl rand -hex 32)");
            }
            if (a.Interpolated)
            {
                Warn(a, null, "contains '$', which DotNetEnv expands as a variable; put the value in single quotes to keep it literal");
            }
            return a.Value;
        }

        public string Path(string key, string fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (v.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0 || v.Contains('\0'))
            {
                Error(a, v, "is not a valid file path");
                return fallback;
            }
            return v;
        }

        public string ListenAddress(string key, string fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (System.Net.IPAddress.TryParse(v, out _))
            {
                return v;
            }
            Error(a, v, "is not an IP address to listen on (:: for every IPv4 and IPv6 address, 0.0.0.0 for IPv4 only, 127.0.0.1 for this host only)");
            return fallback;
        }

        public WebListenAddress? WebAddress(string key, WebListenAddress? fallback, WebListenAddress onDefault)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (WebListenAddress.TryParse(v, onDefault, out var address, out var error))
            {
                return address;
            }
            Error(a, v, error);
            return fallback;
        }

        public TimeSpan Duration(string key, TimeSpan fallback) =>
            Duration(key, fallback, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "100ms to 10min");

        public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, TimeSpan max, string range)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (Units.TryParseDuration(v, out var d) && d >= min && d <= max)
            {
                return d;
            }
            Error(a, v, $"is not a duration from {range} (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)");
            return fallback;
        }

        public int Size(string key, int fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (Units.TryParseSize(v, out var size) && size >= 1024 && size <= 64 * 1024 * 1024)
            {
                return (int)size;
            }
            Error(a, v, "is not a size from 1KiB to 64MiB (e.g. 1048576, 512KiB, 1MiB)");
            return fallback;
        }

        /// <summary>
        /// The keys of a list, duplicates collapsed, or null when the list is not set or has a bad key. Reuses
        /// <paramref name="previous"/> where the value did not change (see <see cref="KeyListParse.Update"/>).
        /// </summary>
        public KeyListParse? KeySet(string key, KeyListParse? previous)
        {
            if (!values.TryGetValue(key, out var a))
            {
                return null;
            }
            KeyListParse.ErrorSink sink = (entry, error, line) => Error(a, entry, "is not a node key: " + error, a.Line + line);
            return previous is null ? KeyListParse.Parse(a.Value, sink) : KeyListParse.Update(previous, a.Value, sink);
        }

        /// <summary>
        /// The block list, or null when it is not set or has a bad entry. Reuses <paramref name="previous"/> where the
        /// value did not change (see <see cref="BlockListParse.Update"/>).
        /// </summary>
        public BlockListParse? BlockList(string key, BlockListParse? previous)
        {
            if (!values.TryGetValue(key, out var a))
            {
                return null;
            }
            BlockListParse.ErrorSink sink = (entry, error, line) => Error(a, entry, error, a.Line + line);
            return previous is null ? BlockListParse.Parse(a.Value, sink) : BlockListParse.Update(previous, a.Value, sink);
        }

        /// <summary>The ranges of a list, and their canonical forms (the set is handed to ToFrozenSet as it is).</summary>
        public (List<IpRange> Ranges, HashSet<string> Canonical) IpRanges(string key)
        {
            var result = new List<IpRange>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (entry, line, a) in Entries(key))
            {
                if (IpRange.TryParse(entry, out var range, out var error))
                {
                    if (seen.Add(range.Canonical))
                    {
                        result.Add(range);
                    }
                }
                else
                {
                    Error(a, entry, error, line);
                }
            }
            return (result, seen);
        }

        public List<BootstrapPeer> Bootstrap(string key)
        {
            var result = new List<BootstrapPeer>();
            foreach (var (entry, line, a) in Entries(key))
            {
                if (BootstrapPeer.TryParse(entry, out var peer, out var error))
                {
                    result.Add(peer);
                }
                else
                {
                    Error(a, entry, error, line);
                }
            }
            return result;
        }

        /// <summary>The AUTO_BAN_* settings and MAX_BANS (see <see cref="Bans.AutoBanSettings"/>).</summary>
        public Bans.AutoBanSettings AutoBan(Bans.AutoBanSettings d)
        {
            var mode = d.Mode;
            if (TryGet(PolicyKeys.AutoBan, out var a, out var v))
            {
                switch (v.ToLowerInvariant())
                {
                    case "off" or "false" or "no" or "0":
                        mode = Bans.AutoBanMode.Off;
                        break;
                    case "log":
                        mode = Bans.AutoBanMode.Log;
                        break;
                    case "on" or "true" or "yes" or "1":
                        mode = Bans.AutoBanMode.On;
                        break;
                    default:
                        Error(a, v, "is not off, log (a dry run: log what would be banned) or on");
                        break;
                }
            }
            var exempt = d.Exempt;
            IReadOnlyList<string> exemptEntries = d.ExemptEntries;
            if (values.ContainsKey(PolicyKeys.AutoBanExempt))
            {
                var (ranges, canonical) = IpRanges(PolicyKeys.AutoBanExempt);
                exempt = new IpRangeSet(ranges);
                exemptEntries = [.. canonical];
            }
            var settings = d with
            {
                Mode = mode,
                Threshold = Int(PolicyKeys.AutoBanThreshold, d.Threshold, 1, 1_000_000),
                Window = LongDuration(PolicyKeys.AutoBanWindow, d.Window),
                Duration = LongDuration(PolicyKeys.AutoBanDuration, d.Duration),
                Factor = Factor(PolicyKeys.AutoBanFactor, d.Factor),
                MaxDuration = LongDuration(PolicyKeys.AutoBanMaxDuration, d.MaxDuration),
                Exempt = exempt,
                ExemptEntries = exemptEntries,
                MaxBans = Int(PolicyKeys.MaxBans, d.MaxBans, 1, 10_000_000),
            };
            if (settings.MaxDuration < settings.Duration && values.TryGetValue(PolicyKeys.AutoBanMaxDuration, out var max))
            {
                Error(max, max.Value.Trim(), $"is shorter than AUTO_BAN_DURATION ({Bans.BanDuration.Format(settings.Duration)}); the longest ban cannot be shorter than the first");
            }
            return settings;
        }

        /// <summary>A ban-scale duration: 1s to 100 years (e.g. 90s, 10m, 1h, 7d).</summary>
        private TimeSpan LongDuration(string key, TimeSpan fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (Bans.BanDuration.TryParse(v, out var d, out _) && d is { } length)
            {
                return length;
            }
            Error(a, v, "is not a duration from 1s to 100 years (e.g. 90s, 10m, 1h, 7d; a bare number means seconds)");
            return fallback;
        }

        private double Factor(string key, double fallback)
        {
            if (!TryGet(key, out var a, out var v))
            {
                return fallback;
            }
            if (double.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var f) && f >= 1 && f <= 100)
            {
                return f;
            }
            Error(a, v, "is not a factor from 1 to 100 (1 means every ban is as long as the first; 2 doubles each time)");
            return fallback;
        }

        /// <summary>Splits a list value on commas, whitespace and newlines (<see cref="ListTokenizer"/>), keeping each entry's line.</summary>
        private List<(string Entry, int Line, EnvAssignment Assignment)> Entries(string key)
        {
            var result = new List<(string, int, EnvAssignment)>();
            if (values.TryGetValue(key, out var a))
            {
                foreach (var token in ListTokenizer.Tokens(a.Value))
                {
                    result.Add((a.Value.Substring(token.Start, token.Length), a.Line + token.Line, a));
                }
            }
            return result;
        }
    }
}
