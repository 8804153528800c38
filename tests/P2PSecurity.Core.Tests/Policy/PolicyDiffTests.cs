using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class PolicyDiffTests
{
    [Fact]
    public void Compute_SamePolicy_IsEmpty() =>
        Assert.Empty(PolicyDiff.Compute(Load("MAX_CONNECTIONS_PER_IP=4\n"), Load("MAX_CONNECTIONS_PER_IP=4\n# comment\n")));

    [Fact]
    public void Compute_ListsAndLimits_SaysExactlyWhatChanged()
    {
        var before = Load($"ALLOWED_NODE_KEYS={TestKeys.Hex(1)},{TestKeys.Hex(2)}\nBLOCKED_IP_ADDRESSES=1.2.3.4,10.0.0.0/8\nMAX_CONNECTIONS_PER_IP=3\n");
        var after = Load($"ALLOWED_NODE_KEYS={TestKeys.Hex(2)},{TestKeys.Hex(3)}\nBLOCKED_IP_ADDRESSES=10.0.0.0/8,5.6.7.8\nMAX_CONNECTIONS_PER_IP=5\nBLOCKED_NODE_KEYS={TestKeys.Hex(9)}\nMESSAGE_RATE_LIMIT=5/s\nDEFAULT_P2P_PORT=9000\n");

        Assert.Equal(
            [
                "MAX_CONNECTIONS_PER_IP: 3 -> 5",
                "MESSAGE_RATE_LIMIT: 100/min -> 5/s",
                $"ALLOWED_NODE_KEYS: added {TestKeys.Hex(3)}",
                $"ALLOWED_NODE_KEYS: removed {TestKeys.Hex(1)}",
                $"BLOCKED_NODE_KEYS: blocked {TestKeys.Hex(9)}",
                "BLOCKED_IP_ADDRESSES: blocked 5.6.7.8",
                "BLOCKED_IP_ADDRESSES: unblocked 1.2.3.4",
                "DEFAULT_P2P_PORT: 9828 -> 9000 (takes effect at restart)",
            ],
            PolicyDiff.Compute(before, after));
    }

    [Fact]
    public void Compute_LongList_NamesTenAndCountsTheRest()
    {
        var ips = string.Join(",", Enumerable.Range(0, 25).Select(i => $"192.0.2.{i}"));

        var change = Assert.Single(PolicyDiff.Compute(Load(string.Empty), Load($"BLOCKED_IP_ADDRESSES={ips}\n")));

        Assert.StartsWith("BLOCKED_IP_ADDRESSES: blocked 25: 192.0.2.0, 192.0.2.1, 192.0.2.10, ", change, StringComparison.Ordinal);
        Assert.EndsWith(", and 15 more", change, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "NETWORK_SECRET_KEY=first-secret-value-1\n", "NETWORK_SECRET_KEY: set (fingerprint e466a92c, value hidden)")]
    [InlineData("NETWORK_SECRET_KEY=first-secret-value-1\n", "NETWORK_SECRET_KEY=other-secret-value-2\n", "NETWORK_SECRET_KEY: changed, fingerprint e466a92c -> 831a6d0b (value hidden)")]
    [InlineData("NETWORK_SECRET_KEY=first-secret-value-1\n", "", "NETWORK_SECRET_KEY: removed (was fingerprint e466a92c)")]
    [InlineData("NETWORK_SECRET_KEY=first-secret-value-1\n", "NETWORK_SECRET_KEY=first-secret-value-1\nNETWORK_SECRET_KEY_PREVIOUS=other-secret-value-2\n",
        "NETWORK_SECRET_KEY_PREVIOUS: set (fingerprint 831a6d0b, value hidden)")]
    public void Compute_NetworkSecret_ShowsOnlyItsFingerprint(string before, string after, string expected)
    {
        var change = Assert.Single(PolicyDiff.Compute(Load(before), Load(after)));

        Assert.Equal(expected, change);
    }

    private static SecurityPolicy Load(string text) =>
        PolicyLoader.Load(text, null).Policy ?? throw new InvalidOperationException("test policy is invalid");
}
