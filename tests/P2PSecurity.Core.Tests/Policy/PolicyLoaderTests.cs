using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class PolicyLoaderTests
{
    [Fact]
    public void Load_EmptyFile_GivesSeedCompatibleDefaults()
    {
        var result = PolicyLoader.Load(string.Empty, null);

        var policy = Assert.IsType<SecurityPolicy>(result.Policy);
        Assert.True(policy.Enabled);
        Assert.True(policy.RequireNodeAuthentication);
        Assert.Equal(string.Empty, policy.NetworkSecretKey);
        Assert.Equal(3, policy.MaxConnectionsPerIp);
        Assert.Equal(new RateLimit(10, TimeSpan.FromMinutes(1)), policy.ConnectionRateLimit);
        Assert.Equal(new RateLimit(100, TimeSpan.FromMinutes(1)), policy.MessageRateLimit);
        Assert.Empty(policy.AllowedNodeKeys);
        Assert.Empty(policy.BlockedNodeKeys);
        Assert.Empty(policy.BlockedIpEntries);
        Assert.False(policy.EnableMessageSigning);
        Assert.False(policy.RejectUnsignedMessages);
        Assert.True(policy.LogSecurityEvents);
        Assert.Equal("security.log", policy.SecurityLogFile);
        Assert.Equal(9828, policy.Port);
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
}
