using System.Text;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class PolicyValidationTests
{
    private static readonly string K1 = TestKeys.Hex(1);
    private static readonly string K2 = TestKeys.Hex(2);

    [Fact]
    public void Load_ManyErrors_ReportsEveryOneWithLineKeyValueAndValidForm()
    {
        var text = $"""
            # policy with five mistakes
            ENABLE_P2P_SECURITY=sometimes
            MAX_CONNECTIONS_PER_IP=0
            CONNECTION_RATE_LIMIT=10/day
            ALLOWED_NODE_KEYS={K1},nothex
            BLOCKED_IP_ADDRESSES=10.0.0.0/33
            DEFAULT_P2P_PORT=9828
            """;

        var result = PolicyLoader.Load(text, null);

        Assert.Null(result.Policy);
        Assert.Equal(
            [
                "ENABLE_P2P_SECURITY line 2: 'sometimes' is not a boolean (true/false, yes/no, on/off, 1/0)",
                "MAX_CONNECTIONS_PER_IP line 3: '0' is not a whole number from 1 to 100000",
                "CONNECTION_RATE_LIMIT line 4: '10/day' is not a rate: a rate is N, N/s, N/min or N/h with N a whole number 0-1000000 (a bare N means per minute)",
                "ALLOWED_NODE_KEYS line 5: 'nothex' is not a node key: a node key is 64 hex digits (0-9, a-f), found 'n'",
                "BLOCKED_IP_ADDRESSES line 6: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_SyntaxAndValueErrors_AreReportedTogether()
    {
        var result = PolicyLoader.Load("this is not an assignment\nMAX_CONNECTIONS_PER_IP=lots\nPORT_ERROR\n", null);

        Assert.Equal([1, 2, 3], result.Errors.Select(e => e.Line!.Value));
    }

    [Fact]
    public void Load_MultiLineQuotedList_ErrorNamesTheEntrysOwnLine()
    {
        var text = $"# header\nBLOCKED_IP_ADDRESSES=\"\n  10.0.0.0/8\n  10.0.0.0/33,\n  192.0.2.1  1.2.3\n\"\nALLOWED_NODE_KEYS='{K1}\r\n{K2}\r\nshort'\n";

        var result = PolicyLoader.Load(text, null);

        Assert.Equal(
            [
                "BLOCKED_IP_ADDRESSES line 4: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)",
                "BLOCKED_IP_ADDRESSES line 5: '1.2.3' is not a valid IP address (e.g. 203.0.113.7 or 2001:db8::7)",
                "ALLOWED_NODE_KEYS line 9: 'short' is not a node key: a node key is 64 hex digits (0-9, a-f), found 's'",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("ALLOWED_NODE_KEY", "ALLOWED_NODE_KEYS")]
    [InlineData("BLOCKED_IPS", "BLOCKED_IP_ADDRESSES")]
    [InlineData("max_connections_per_ip", "MAX_CONNECTIONS_PER_IP")]
    [InlineData("Network_Secret_Key", "NETWORK_SECRET_KEY")]
    public void Load_NearMissKey_WarnsAndKeepsDefault(string typo, string meant)
    {
        var result = PolicyLoader.Load($"A=1\n{typo}=5\n", null);

        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal($"{typo} line 2: is not a setting and is ignored; did you mean {meant}?", warning.ToString());
        Assert.Equal(SecurityPolicy.Defaults.MaxConnectionsPerIp, result.Policy!.MaxConnectionsPerIp);
    }

    [Fact]
    public void Load_UnrelatedUnknownKeys_AreIgnoredSilently()
    {
        var result = PolicyLoader.Load("DATABASE_URL=postgres://x\nPATH=/bin\nLOG_LEVEL=debug\nASPNETCORE_URLS=http://+:80\nHOME=/root\n", null);

        Assert.True(result.IsValid);
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Load_DuplicateKey_WarnsWithBothLinesAndLastWins()
    {
        var result = PolicyLoader.Load("A=1\nMAX_CONNECTIONS_PER_IP=5\nB=2\nMAX_CONNECTIONS_PER_IP=7\n", null);

        Assert.Equal(7, result.Policy!.MaxConnectionsPerIp);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("MAX_CONNECTIONS_PER_IP line 4: is given twice, on lines 2 and 4; the last one (line 4) is used", warning.ToString());
    }

    [Fact]
    public void Load_NotUtf8_NamesTheLine()
    {
        var bytes = Encoding.Latin1.GetBytes("A=1\nB=2\n# caf\u00e9 au lait\nC=3\n");

        var result = PolicyLoader.Load(bytes, null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("line 3: the file is not valid UTF-8 text (binary or another encoding?)", error.ToString());
    }

    [Fact]
    public void Load_NotUtf8DeepInALargeFile_NamesTheLine()
    {
        var sb = new StringBuilder();
        for (var i = 1; i < 5000; i++)
        {
            sb.Append("# filler line ").Append(i).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString()).Concat(new byte[] { (byte)'X', (byte)'=', 0xC3, 0x28, (byte)'\n' }).ToArray();

        var error = Assert.Single(PolicyLoader.Load(bytes, null).Errors);

        Assert.Equal(5000, error.Line);
    }

    [Fact]
    public void Load_BinaryGarbage_IsRejectedWithoutThrowing()
    {
        var bytes = new byte[64 * 1024];
        new Random(7).NextBytes(bytes);

        var result = PolicyLoader.Load(bytes, null);

        Assert.Null(result.Policy);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Load_ValidUtf8Garbage_IsRejectedWithCappedErrors()
    {
        var bytes = new byte[64 * 1024];
        new Random(8).NextBytes(bytes);
        var text = Encoding.UTF8.GetString(bytes); // invalid sequences become U+FFFD

        var result = PolicyLoader.Load(text, null);

        Assert.Null(result.Policy);
        Assert.InRange(result.Errors.Count(), 2, 51);
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain('\n', d.ToString()));
    }

    [Fact]
    public void Load_Utf8Bom_IsAccepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("MAX_CONNECTIONS_PER_IP=9\r\n")).ToArray();

        var result = PolicyLoader.Load(bytes, null);

        Assert.Equal(9, result.Policy!.MaxConnectionsPerIp);
    }

    [Fact]
    public void Load_DollarInNetworkSecret_WarnsWithoutTheValue()
    {
        var result = PolicyLoader.Load("NETWORK_SECRET_KEY=abcdefghijklmnopqrst$uvw\n", null);

        Assert.True(result.IsValid);
        Assert.Equal("abcdefghijklmnopqrst", result.Policy!.NetworkSecretKey); // $uvw expanded to nothing
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("NETWORK_SECRET_KEY line 1: contains '$', which DotNetEnv expands as a variable; put the value in single quotes to keep it literal", warning.ToString());
    }

    [Fact]
    public void Load_SingleQuotedDollarInNetworkSecret_IsLiteralWithoutWarning()
    {
        var result = PolicyLoader.Load("NETWORK_SECRET_KEY='abcdefgh$ijklmnopqrstu'\n", null);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("abcdefgh$ijklmnopqrstu", result.Policy!.NetworkSecretKey);
    }

    [Fact]
    public void Load_ShortNetworkSecret_WarnsWithLengthOnly()
    {
        var result = PolicyLoader.Load("NETWORK_SECRET_KEY=tiny-secret\n", null);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("NETWORK_SECRET_KEY line 1: is only 11 characters; use at least 16 random characters (e.g. openssl rand -hex 32)", warning.ToString());
    }

    public static TheoryData<string> FilesWithSecret => new()
    {
        "NETWORK_SECRET_KEY=Zq7-secret-Wv93$kk\n",
        "NETWORK_SECRET_KEY=Zq7-secret-Wv93\n",
        "NETWORK_SECRET_KEY=Zq7-secret-Wv93'kk\n",
        "NETWORK_SECRET_KEY=\"Zq7-secret-Wv93\" trailing\n",
        "NETWORK_SECRET_KEY=\"Zq7-secret-Wv93\nMAX_CONNECTIONS_PER_IP=x\n",
        "NETWORK_SECRET_KEY=Zq7-secret-Wv93\nNETWORK_SECRET_KEY=Zq7-secret-Wv93-again\nMAX_CONNECTIONS_PER_IP=0\n",
        "NETWORK_SECRET_KY=Zq7-secret-Wv93\n",
        "network_secret_key=Zq7-secret-Wv93\n",
        "NETWORK_SECRET_KEY Zq7-secret-Wv93\n",
        "NETWORK_SECRET_KEY=\"Zq7-secret-Wv93\\q\\x\"\n",
        "NETWORK_SECRET_KEY=Zq7-secret-Wv93\u00a0x\n",
    };

    [Theory]
    [MemberData(nameof(FilesWithSecret))]
    public void Load_AnyFileWithNetworkSecret_NeverEchoesIt(string text)
    {
        var result = PolicyLoader.Load(text, "/etc/p2p/.env");

        var all = string.Join("\n", result.Diagnostics.Select(d => d.ToString() + "\u0001" + d.Value));
        AssertNoSecret(all);
        if (result.Policy is { } policy)
        {
            AssertNoSecret(policy.ToString());
            AssertNoSecret(string.Join("\n", PolicyDiff.Compute(SecurityPolicy.Defaults, policy)));
            AssertNoSecret(string.Join("\n", PolicyDiff.Compute(policy, SecurityPolicy.Defaults)));
            AssertNoSecret(string.Join("\n", PolicyDiff.Compute(policy, policy with { NetworkSecretKey = "Zq7-secret-Wv93-other" })));
        }
        else
        {
            AssertNoSecret(new P2PSecurity.Core.Security.PolicyLoadException("/etc/p2p/.env", result.Diagnostics).Message);
        }
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain("secret-Wv", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq7-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Wv93", text, StringComparison.Ordinal);
    }
}
