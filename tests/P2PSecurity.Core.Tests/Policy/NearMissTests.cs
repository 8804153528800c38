using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class NearMissTests
{
    [Theory]
    [InlineData("ALLOWED_NODE_KEY", "ALLOWED_NODE_KEYS")]
    [InlineData("BLOCKED_IPS", "BLOCKED_IP_ADDRESSES")]
    [InlineData("BLOCKED_IP", "BLOCKED_IP_ADDRESSES")]
    [InlineData("BLOCKED_IP_ADDRESS", "BLOCKED_IP_ADDRESSES")]
    [InlineData("BLOCKED_ADDRESSES", "BLOCKED_IP_ADDRESSES")]
    [InlineData("BLOCKED_IPADDRESSES", "BLOCKED_IP_ADDRESSES")]
    [InlineData("blocked_ips", "BLOCKED_IP_ADDRESSES")]
    [InlineData("BLOCKED_NODES", "BLOCKED_NODE_KEYS")]
    [InlineData("ALLOWED_KEYS", "ALLOWED_NODE_KEYS")]
    [InlineData("max_connections_per_ip", "MAX_CONNECTIONS_PER_IP")]
    [InlineData("MAX_CONNECTION_PER_IP", "MAX_CONNECTIONS_PER_IP")]
    [InlineData("CONNECTION_RATE_LIMT", "CONNECTION_RATE_LIMIT")]
    [InlineData("MESSAGE_RATE", "MESSAGE_RATE_LIMIT")]
    [InlineData("ENABLE_SECURITY", "ENABLE_P2P_SECURITY")]
    [InlineData("P2P_PORT", "DEFAULT_P2P_PORT")]
    [InlineData("Require_Node_Authentication", "REQUIRE_NODE_AUTHENTICATION")]
    public void Find_Typo_NamesTheSetting(string typo, string meant) => Assert.Equal(meant, NearMiss.Find(typo));

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("PORT")]
    [InlineData("LOG_LEVEL")]
    [InlineData("DATABASE_URL")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("CONNECTION_STRING")]
    [InlineData("API_KEY")]
    [InlineData("X")]
    [InlineData("")]
    public void Find_UnrelatedKey_IsNull(string key) => Assert.Null(NearMiss.Find(key));

    [Fact]
    public void Find_VeryLongKey_IsNullAndFast() => Assert.Null(NearMiss.Find(new string('A', 10_000)));
}
