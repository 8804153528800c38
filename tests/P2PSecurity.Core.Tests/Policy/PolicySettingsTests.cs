using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Policy;

/// <summary>Every key's good and bad values, one file each, against the exact diagnostic an operator reads.</summary>
public sealed class PolicySettingsTests
{
    private static readonly string K1 = TestKeys.Hex(1);
    private static readonly string K2 = TestKeys.Hex(2);

    public static TheoryData<string, string, string> GoodValues => new()
    {
        { "ENABLE_P2P_SECURITY", "false", Show(false) },
        { "ENABLE_P2P_SECURITY", "TRUE", Show(true) },
        { "ENABLE_P2P_SECURITY", "no", Show(false) },
        { "ENABLE_P2P_SECURITY", "On", Show(true) },
        { "ENABLE_P2P_SECURITY", "0", Show(false) },
        { "REQUIRE_NODE_AUTHENTICATION", "false", Show(false) },
        { "REQUIRE_NODE_AUTHENTICATION", "yes", Show(true) },
        { "NETWORK_SECRET_KEY", "0123456789abcdef0123", Show("0123456789abcdef0123") },
        { "NETWORK_SECRET_KEY", "'literal$dollar-value'", Show("literal$dollar-value") },
        { "MAX_CONNECTIONS_PER_IP", "1", Show(1) },
        { "MAX_CONNECTIONS_PER_IP", "100000", Show(100_000) },
        { "CONNECTION_RATE_LIMIT", "20", Show(new RateLimit(20, TimeSpan.FromMinutes(1))) },
        { "CONNECTION_RATE_LIMIT", "5/s", Show(new RateLimit(5, TimeSpan.FromSeconds(1))) },
        { "CONNECTION_RATE_LIMIT", "30/min", Show(new RateLimit(30, TimeSpan.FromMinutes(1))) },
        { "CONNECTION_RATE_LIMIT", "3600/h", Show(new RateLimit(3600, TimeSpan.FromHours(1))) },
        { "CONNECTION_RATE_LIMIT", "0", Show(new RateLimit(0, TimeSpan.FromMinutes(1))) },
        { "MESSAGE_RATE_LIMIT", "50", Show(new RateLimit(50, TimeSpan.FromMinutes(1))) },
        { "MESSAGE_RATE_LIMIT", "\" 7 / S \"", Show(new RateLimit(7, TimeSpan.FromSeconds(1))) },
        { "MESSAGE_RATE_LIMIT", "1000000/h", Show(new RateLimit(1_000_000, TimeSpan.FromHours(1))) },
        { "ALLOWED_NODE_KEYS", $"{K1},{K2}", Show(Sorted(K1, K2)) },
        { "ALLOWED_NODE_KEYS", $"\"{K1} {K2}\"", Show(Sorted(K1, K2)) },
        { "ALLOWED_NODE_KEYS", $"\"\n  {K1}\n  {K2}\n\"", Show(Sorted(K1, K2)) },
        { "ALLOWED_NODE_KEYS", $"{K1},{K1.ToUpperInvariant()},sha256:{K1}", Show(Sorted(K1)) },
        { "ALLOWED_NODE_KEYS", Colons(K1), Show(Sorted(K1)) },
        { "ALLOWED_NODE_KEYS", $"SHA256:{Colons(K2).ToUpperInvariant()}", Show(Sorted(K2)) },
        { "ALLOWED_NODE_KEYS", " , ,", Show(string.Empty) },
        { "BLOCKED_NODE_KEYS", $"\"{K2},\t{K1}\r\n{K2}\"", Show(Sorted(K1, K2)) },
        { "BLOCKED_IP_ADDRESSES", "203.0.113.7", Show("203.0.113.7") },
        { "BLOCKED_IP_ADDRESSES", "10.0.0.0/8,2001:db8::/32", Show("10.0.0.0/8 2001:db8::/32") },
        { "BLOCKED_IP_ADDRESSES", "::ffff:10.1.2.3", Show("10.1.2.3") },
        { "BLOCKED_IP_ADDRESSES", "::ffff:10.0.0.0/104", Show("10.0.0.0/8") },
        { "BLOCKED_IP_ADDRESSES", "1.2.3.4 ::ffff:1.2.3.4 1.2.3.4/32", Show("1.2.3.4") },
        { "BLOCKED_IP_ADDRESSES", "2001:DB8:0:0::7", Show("2001:db8::7") },
        { "BLOCKED_IP_ADDRESSES", "0.0.0.0/0", Show("0.0.0.0/0") },
        { "ENABLE_MESSAGE_SIGNING", "true", Show(true) },
        { "REJECT_UNSIGNED_MESSAGES", "false", Show(false) },
        { "LOG_SECURITY_EVENTS", "off", Show(false) },
        { "SECURITY_LOG_FILE", "logs/sec.log", Show("logs/sec.log") },
        { "DEFAULT_P2P_PORT", "1", Show(1) },
        { "DEFAULT_P2P_PORT", "65535", Show(65535) },
        { "LISTEN_ADDRESS", "0.0.0.0", Show("0.0.0.0") },
        { "LISTEN_ADDRESS", "::1", Show("::1") },
        { "HANDSHAKE_TIMEOUT", "5", Show(TimeSpan.FromSeconds(5)) },
        { "HANDSHAKE_TIMEOUT", "500ms", Show(TimeSpan.FromMilliseconds(500)) },
        { "HANDSHAKE_TIMEOUT", "2min", Show(TimeSpan.FromMinutes(2)) },
        { "HANDSHAKE_TIMEOUT", "1.5s", Show(TimeSpan.FromSeconds(1.5)) },
        { "FRAME_TIMEOUT", "5", Show(TimeSpan.FromSeconds(5)) },
        { "FRAME_TIMEOUT", "250ms", Show(TimeSpan.FromMilliseconds(250)) },
        { "BROADCAST_MAX_AGE", "10s", Show(TimeSpan.FromSeconds(10)) },
        { "BROADCAST_MAX_AGE", "1h", Show(TimeSpan.FromHours(1)) },
        { "MAX_FRAME_SIZE", "1024", Show(1024) },
        { "MAX_FRAME_SIZE", "512KiB", Show(512 * 1024) },
        { "MAX_FRAME_SIZE", "64MiB", Show(64 * 1024 * 1024) },
        { "NODE_IDENTITY_FILE", "/etc/p2p/id.pem", Show("/etc/p2p/id.pem") },
        { "EVICT_ON_POLICY_CHANGE", "false", Show(false) },
        { "CONTROL_SOCKET", "run/ctl.sock", Show("run/ctl.sock") },
        { "BOOTSTRAP_ADDRESSES", "192.0.2.10:9828, node.example:1 [2001:db8::1]:9828", "192.0.2.10:9828 node.example:1 [2001:db8::1]:9828" },
        { "BOOTSTRAP_ADDRESSES", $"192.0.2.10:9828#{K1.ToUpperInvariant()}", $"192.0.2.10:9828#{K1}" },
        { "IPV6_LIMIT_PREFIX", "48", Show(48) },
        { "IPV6_LIMIT_PREFIX", "128", Show(128) },
        { "MAX_CONNECTIONS", "1", Show(1) },
        { "MAX_CONNECTIONS", "1000000", Show(1_000_000) },
        { "MAX_PENDING_HANDSHAKES", "1", Show(1) },
        { "MAX_PENDING_HANDSHAKES", "5000", Show(5000) },
    };

    [Theory]
    [MemberData(nameof(GoodValues))]
    public void Load_GoodValue_IsApplied(string key, string value, string expected)
    {
        // Security off counts only with its acknowledgement (SecurityOffAckTests).
        var ack = key == PolicyKeys.EnableSecurity ? "SECURITY_OFF_ACK=I_UNDERSTAND\n" : string.Empty;
        var result = PolicyLoader.Load($"{key}={value}\n{ack}", null);

        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(expected, Setting(result.Policy!, key));
    }

    /// <summary>One setting of a policy in a comparable written form.</summary>
    private static string Setting(SecurityPolicy p, string key) => key switch
    {
        PolicyKeys.EnableSecurity => Show(p.Enabled),
        PolicyKeys.RequireNodeAuthentication => Show(p.RequireNodeAuthentication),
        PolicyKeys.NetworkSecretKey => p.NetworkSecretKey,
        PolicyKeys.MaxConnectionsPerIp => Show(p.MaxConnectionsPerIp),
        PolicyKeys.ConnectionRateLimit => Show(p.ConnectionRateLimit),
        PolicyKeys.MessageRateLimit => Show(p.MessageRateLimit),
        PolicyKeys.AllowedNodeKeys => Sorted(p.AllowedNodeKeys),
        PolicyKeys.BlockedNodeKeys => Sorted(p.BlockedNodeKeys),
        PolicyKeys.BlockedIpAddresses => Entries(p),
        PolicyKeys.EnableMessageSigning => Show(p.EnableMessageSigning),
        PolicyKeys.RejectUnsignedMessages => Show(p.RejectUnsignedMessages),
        PolicyKeys.LogSecurityEvents => Show(p.LogSecurityEvents),
        PolicyKeys.SecurityLogFile => p.SecurityLogFile,
        PolicyKeys.Port => Show(p.Port),
        PolicyKeys.ListenAddress => p.ListenAddress,
        PolicyKeys.HandshakeTimeout => Show(p.HandshakeTimeout),
        PolicyKeys.MaxFrameSize => Show(p.MaxFrameSize),
        PolicyKeys.FrameTimeout => Show(p.FrameTimeout),
        PolicyKeys.BroadcastMaxAge => Show(p.BroadcastMaxAge),
        PolicyKeys.NodeIdentityFile => p.NodeIdentityFile,
        PolicyKeys.EvictOnPolicyChange => Show(p.EvictOnPolicyChange),
        PolicyKeys.ControlSocket => p.ControlSocket,
        PolicyKeys.BootstrapAddresses => string.Join(" ", p.BootstrapAddresses),
        PolicyKeys.Ipv6LimitPrefix => Show(p.Ipv6LimitPrefix),
        PolicyKeys.MaxConnections => Show(p.MaxConnections),
        PolicyKeys.MaxPendingHandshakes => Show(p.MaxPendingHandshakes),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "no reader for this key"),
    };

    private static string Show(object value) => value switch
    {
        RateLimit r => $"{r.Count} per {r.Period}",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "ENABLE_P2P_SECURITY", "maybe", "is not a boolean (true/false, yes/no, on/off, 1/0)" },
        { "REQUIRE_NODE_AUTHENTICATION", "2", "is not a boolean (true/false, yes/no, on/off, 1/0)" },
        { "LOG_SECURITY_EVENTS", "enabled", "is not a boolean (true/false, yes/no, on/off, 1/0)" },
        { "ENABLE_MESSAGE_SIGNING", "y", "is not a boolean (true/false, yes/no, on/off, 1/0)" },
        { "REJECT_UNSIGNED_MESSAGES", "nope", "is not a boolean (true/false, yes/no, on/off, 1/0)" },
        { "EVICT_ON_POLICY_CHANGE", "-1", "is not a boolean (true/false, yes/no, on/off, 1/0)" },
        { "MAX_CONNECTIONS_PER_IP", "0", "is not a whole number from 1 to 100000" },
        { "MAX_CONNECTIONS_PER_IP", "-1", "is not a whole number from 1 to 100000" },
        { "MAX_CONNECTIONS_PER_IP", "1.5", "is not a whole number from 1 to 100000" },
        { "MAX_CONNECTIONS_PER_IP", "100001", "is not a whole number from 1 to 100000" },
        { "MAX_CONNECTIONS_PER_IP", "three", "is not a whole number from 1 to 100000" },
        { "CONNECTION_RATE_LIMIT", "10/day", "is not a rate: a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)" },
        { "CONNECTION_RATE_LIMIT", "-5", "is not a rate: a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)" },
        { "CONNECTION_RATE_LIMIT", "1.5/s", "is not a rate: a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)" },
        { "MESSAGE_RATE_LIMIT", "1000001", "is not a rate: a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)" },
        { "MESSAGE_RATE_LIMIT", "/min", "is not a rate: a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)" },
        { "ALLOWED_NODE_KEYS", "abc", "is not a node key: a node key is 64 hex digits (SHA-256), found 3" },
        { "ALLOWED_NODE_KEYS", K1 + "0", "is not a node key: a node key is 64 hex digits (SHA-256), this is longer" },
        { "BLOCKED_NODE_KEYS", "g" + K1[1..], "is not a node key: a node key is 64 hex digits (0-9, a-f), found 'g'" },
        { "BLOCKED_IP_ADDRESSES", "10.0.0.0/33", "is not a valid CIDR (IPv4 prefix is 0-32)" },
        { "BLOCKED_IP_ADDRESSES", "2001:db8::/129", "is not a valid CIDR (IPv6 prefix is 0-128)" },
        { "BLOCKED_IP_ADDRESSES", "10.0.0.0/", "is not a valid CIDR (IPv4 prefix is 0-32)" },
        { "BLOCKED_IP_ADDRESSES", "10.0.0/8", "is not a valid CIDR: the address before '/' is not an IP address (e.g. 10.0.0.0/8 or 2001:db8::/32)" },
        { "BLOCKED_IP_ADDRESSES", "300.1.1.1", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)" },
        { "BLOCKED_IP_ADDRESSES", "1.2.3", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)" },
        { "BLOCKED_IP_ADDRESSES", "example.com", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)" },
        { "BLOCKED_IP_ADDRESSES", "fe80::1%eth0", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)" },
        { "BLOCKED_IP_ADDRESSES", "::ffff:1.2.3.4/64", "is not a valid CIDR: an IPv4-mapped prefix must be at least /96" },
        { "BLOCKED_IP_ADDRESSES", "010.0.0.1", "is not a valid IP address: '010' has a leading zero, which some tools read as octal; write each part in plain decimal (e.g. 10.0.0.1)" },
        { "BLOCKED_IP_ADDRESSES", "0x7f.0.0.1", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)" },
        { "BLOCKED_IP_ADDRESSES", "4294967295", "is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)" },
        { "DEFAULT_P2P_PORT", "0", "is not a whole number from 1 to 65535" },
        { "DEFAULT_P2P_PORT", "65536", "is not a whole number from 1 to 65535" },
        { "DEFAULT_P2P_PORT", "http", "is not a whole number from 1 to 65535" },
        { "LISTEN_ADDRESS", "localhost", "is not an IP address to listen on (:: for every IPv4 and IPv6 address, 0.0.0.0 for IPv4 only, 127.0.0.1 for this host only)" },
        { "HANDSHAKE_TIMEOUT", "50ms", "is not a duration from 100ms to 10min (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)" },
        { "HANDSHAKE_TIMEOUT", "11min", "is not a duration from 100ms to 10min (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)" },
        { "HANDSHAKE_TIMEOUT", "forever", "is not a duration from 100ms to 10min (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)" },
        { "BROADCAST_MAX_AGE", "5s", "is not a duration from 10s to 1h (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)" },
        { "BROADCAST_MAX_AGE", "2h", "is not a duration from 10s to 1h (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)" },
        { "FRAME_TIMEOUT", "0", "is not a duration from 100ms to 10min (e.g. 10, 10s, 500ms, 2min; a bare number means seconds)" },
        { "MAX_FRAME_SIZE", "512", "is not a size from 1KiB to 64MiB (e.g. 1048576, 512KiB, 1MiB)" },
        { "MAX_FRAME_SIZE", "65MiB", "is not a size from 1KiB to 64MiB (e.g. 1048576, 512KiB, 1MiB)" },
        { "MAX_FRAME_SIZE", "1GB", "is not a size from 1KiB to 64MiB (e.g. 1048576, 512KiB, 1MiB)" },
        { "BOOTSTRAP_ADDRESSES", "nohost", "is not host:port (e.g. 192.0.2.10:9828, node.example:9828, [2001:db8::1]:9828)" },
        { "BOOTSTRAP_ADDRESSES", "host:0", "has no valid port (1-65535)" },
        { "BOOTSTRAP_ADDRESSES", "[::1:9828", "is not host:port (IPv6 hosts are written [2001:db8::1]:9828)" },
        { "IPV6_LIMIT_PREFIX", "47", "is not a whole number from 48 to 128" },
        { "IPV6_LIMIT_PREFIX", "129", "is not a whole number from 48 to 128" },
        { "IPV6_LIMIT_PREFIX", "/64", "is not a whole number from 48 to 128" },
        { "MAX_CONNECTIONS", "0", "is not a whole number from 1 to 1000000" },
        { "MAX_CONNECTIONS", "10,000", "is not a whole number from 1 to 1000000" },
        { "MAX_PENDING_HANDSHAKES", "0", "is not a whole number from 1 to 1000000" },
        { "MAX_PENDING_HANDSHAKES", "1000001", "is not a whole number from 1 to 1000000" },
        { "BOOTSTRAP_ADDRESSES", "host:1#zz", "has a bad pinned key after '#': a node key is 64 hex digits (0-9, a-f), found 'z'" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Load_BadValue_NamesLineKeyValueAndValidForm(string key, string value, string message)
    {
        var result = PolicyLoader.Load($"# line 1\n{key}={value}\n", null);

        Assert.Null(result.Policy);
        var error = Assert.Single(result.Errors);
        Assert.Equal($"{key} line 2: '{value}' {message}", error.ToString());
    }

    [Fact]
    public void Load_PathWithNul_IsRejected()
    {
        var result = PolicyLoader.Load("SECURITY_LOG_FILE=\"a\\000b\"\n", null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("SECURITY_LOG_FILE line 1: 'a\\u0000b' is not a valid file path", error.ToString());
    }

    [Fact]
    public void Load_MappedAndPlainIPv4_AreTheSameAddress()
    {
        var policy = PolicyLoader.Load("BLOCKED_IP_ADDRESSES=::ffff:10.1.2.3,192.0.2.0/24\n", null).Policy!;

        Assert.True(policy.BlockedIps.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.True(policy.BlockedIps.Contains(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.True(policy.BlockedIps.Contains(IPAddress.Parse("::ffff:192.0.2.99")));
        Assert.False(policy.BlockedIps.Contains(IPAddress.Parse("10.1.2.4")));
        Assert.False(policy.BlockedIps.Contains(IPAddress.Parse("::10.1.2.3")));
    }

    [Fact]
    public void Load_CidrWithHostBits_IsAnErrorNamingTheLineAndBothReadings()
    {
        var result = PolicyLoader.Load("# blocks\nBLOCKED_IP_ADDRESSES=\"\n  192.0.2.0/24\n  10.1.2.3/8\n  2001:db8::7/48\n\"\n", null);

        Assert.False(result.IsValid);
        Assert.Null(result.Policy);
        Assert.Equal(
            [
                "BLOCKED_IP_ADDRESSES line 4: '10.1.2.3/8' has host bits set below its /8 prefix: did you mean 10.0.0.0/8 or 10.1.2.3/32?",
                "BLOCKED_IP_ADDRESSES line 5: '2001:db8::7/48' has host bits set below its /48 prefix: did you mean 2001:db8::/48 or 2001:db8::7/128?",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_KeyBothAllowedAndBlocked_WarnsBlockWins()
    {
        var result = PolicyLoader.Load($"ALLOWED_NODE_KEYS={K1}\nBLOCKED_NODE_KEYS={K1}\n", null);

        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.ToString() == $"BLOCKED_NODE_KEYS line 2: node {K1[..16]}… is both allowed and blocked; the block wins");
    }

    [Fact]
    public void Load_RejectUnsignedWithoutSigning_Warns()
    {
        var result = PolicyLoader.Load("REJECT_UNSIGNED_MESSAGES=true\n", null);

        Assert.Contains(result.Warnings, w => w.Key == "REJECT_UNSIGNED_MESSAGES" && w.Line == 1);
    }

    [Fact]
    public void Load_PendingCapAboveMaxConnections_Warns()
    {
        var result = PolicyLoader.Load("MAX_CONNECTIONS=100\nMAX_PENDING_HANDSHAKES=200\n", null);

        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Key == "MAX_PENDING_HANDSHAKES" && w.Line == 2 && w.ToString().Contains("above MAX_CONNECTIONS (100)", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NoLimitSettings_GivesTheDocumentedDefaults()
    {
        var policy = PolicyLoader.Load("", null).Policy!;

        Assert.Equal((64, 10_000, 1_000), (policy.Ipv6LimitPrefix, policy.MaxConnections, policy.MaxPendingHandshakes));
    }

    [Fact]
    public void Load_SecurityDisabledWithAck_Warns()
    {
        var result = PolicyLoader.Load("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n", null);

        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.ToString() == "ENABLE_P2P_SECURITY line 1: is false (SECURITY_OFF_ACK=I_UNDERSTAND): every gate is open, no address, key or rate is checked");
    }

    private static string Colons(string hex) => string.Join(":", hex.Chunk(2).Select(c => new string(c)));

    private static string Sorted(params string[] keys) => string.Join(" ", keys.Order(StringComparer.Ordinal));

    private static string Sorted(IEnumerable<NodeKey> keys) => Sorted([.. keys.Select(k => k.ToString())]);

    private static string Entries(SecurityPolicy p) => string.Join(" ", p.BlockedIpEntries.Order(StringComparer.Ordinal));
}
