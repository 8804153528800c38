using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class PolicyLoaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("# only comments\n\n")]
    [InlineData("ENABLE_P2P_SECURITY=\nMAX_CONNECTIONS_PER_IP=\nALLOWED_NODE_KEYS=\n")]
    [InlineData("UNRELATED_SETTING=1\n")]
    public void Load_NothingSet_GivesSeedCompatibleDefaults(string text)
    {
        var result = PolicyLoader.Load(text, null);

        var policy = Assert.IsType<SecurityPolicy>(result.Policy);
        Assert.Empty(result.Diagnostics);
        Assert.True(policy.Enabled);
        Assert.True(policy.RequireNodeAuthentication);
        Assert.Equal(string.Empty, policy.NetworkSecretKey);
        Assert.Equal(3, policy.MaxConnectionsPerIp);
        Assert.Equal(new RateLimit(10, TimeSpan.FromMinutes(1)), policy.ConnectionRateLimit);
        Assert.Equal(new RateLimit(100, TimeSpan.FromMinutes(1)), policy.MessageRateLimit);
        Assert.Empty(policy.AllowedNodeKeys);
        Assert.False(policy.WhitelistMode);
        Assert.Empty(policy.BlockedNodeKeys);
        Assert.Empty(policy.BlockedIpEntries);
        Assert.Equal(0, policy.BlockedIps.RangeCount);
        Assert.False(policy.EnableMessageSigning);
        Assert.False(policy.RejectUnsignedMessages);
        Assert.True(policy.LogSecurityEvents);
        Assert.Equal("security.log", policy.SecurityLogFile);
        Assert.Equal(9828, policy.Port);
    }

    [Fact]
    public void Defaults_ServerAdditions_AreSafe()
    {
        var policy = SecurityPolicy.Defaults;

        Assert.Equal("::", policy.ListenAddress);
        Assert.Equal(TimeSpan.FromSeconds(10), policy.HandshakeTimeout);
        Assert.Equal(1024 * 1024, policy.MaxFrameSize);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.FrameTimeout);
        Assert.Equal("node_identity.pem", policy.NodeIdentityFile);
        Assert.True(policy.EvictOnPolicyChange);
        Assert.Equal("p2psecurity.sock", policy.ControlSocket);
        Assert.Empty(policy.BootstrapAddresses);
    }

    [Fact]
    public void Load_BadCidr_NamesLineKeyValueAndValidRange()
    {
        var text = string.Join('\n', Enumerable.Repeat("# filler", 13)) + "\nBLOCKED_IP_ADDRESSES=10.0.0.0/33\n";

        var result = PolicyLoader.Load(text, null);

        Assert.Null(result.Policy);
        var error = Assert.Single(result.Errors);
        Assert.Equal("BLOCKED_IP_ADDRESSES line 14: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)", error.ToString());
    }

    [Fact]
    public void Load_SameBytes_SameContentHash()
    {
        var a = PolicyLoader.Load("A=1\n"u8.ToArray(), null).Policy!;
        var b = PolicyLoader.Load("A=1\n", null).Policy!;
        var c = PolicyLoader.Load("A=2\n", null).Policy!;

        Assert.Equal(64, a.ContentHash.Length);
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }

    [Fact]
    public void ResolvePath_Relative_IsBesideThePolicyFile()
    {
        var policy = PolicyLoader.Load("SECURITY_LOG_FILE=logs/sec.log\n", "/etc/p2p/prod.env").Policy!;

        Assert.Equal("/etc/p2p/logs/sec.log", policy.ResolvePath(policy.SecurityLogFile));
        Assert.Equal("/var/log/x.log", policy.ResolvePath("/var/log/x.log"));
    }
}
