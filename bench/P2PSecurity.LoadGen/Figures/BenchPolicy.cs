using System.Globalization;
using System.Net;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// The subject's policy files. "The whole gate" is a policy an operator could run: security on, certificates
/// required, a network key, whitelist mode with the load's client keys among 200 others, 200 blocked keys and 200
/// blocked ranges (none of them the load's), the security log on. The per-address limits are set high, because
/// no figure here is about them: the load comes from a few addresses at a rate no real peer would.
/// </summary>
internal static class BenchPolicy
{
    public const string NetworkSecret = "loadgen-network-secret-4f1c9a07e2b8d365";

    private const int FillerCount = 200;

    public static string WholeGate(IEnumerable<NodeKey> clientKeys, IEnumerable<IPAddress>? blockedClients = null, bool enabled = true)
    {
        // Fixed filler, so that every run loads the same policy.
        var random = new Random(20_240_611);
        string RandomKey()
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return Convert.ToHexStringLower(bytes);
        }
        var allowed = clientKeys.Select(k => k.ToString()).Concat(Enumerable.Range(0, FillerCount).Select(_ => RandomKey()));
        var blockedKeys = Enumerable.Range(0, FillerCount).Select(_ => RandomKey());
        var blockedRanges = Enumerable.Range(0, FillerCount / 2).Select(i => string.Create(CultureInfo.InvariantCulture, $"10.{i}.0.0/16"))
            .Concat(Enumerable.Range(0, FillerCount / 2).Select(i => string.Create(CultureInfo.InvariantCulture, $"2001:db8:{i:x}::/48")))
            .Concat((blockedClients ?? []).Select(a => a.ToString()));
        var env = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.EnableSecurity}={(enabled ? "true" : "false")}")
            .AppendLine(enabled ? string.Empty : $"{PolicyKeys.SecurityOffAck}=I_UNDERSTAND")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.RequireNodeAuthentication}=true")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.NetworkSecretKey}={NetworkSecret}")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.MaxConnectionsPerIp}=100000")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.ConnectionRateLimit}=1000000/s")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.MessageRateLimit}=1000000/s")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.AllowedNodeKeys}={string.Join(',', allowed)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.BlockedNodeKeys}={string.Join(',', blockedKeys)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.BlockedIpAddresses}={string.Join(',', blockedRanges)}")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.LogSecurityEvents}=true")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.SecurityLogFile}=security.log")
            .AppendLine(CultureInfo.InvariantCulture, $"{PolicyKeys.NodeIdentityFile}=node_identity.pem");
        return env.ToString();
    }

    /// <summary>
    /// The policy with some settings replaced (<c>--subject-set KEY=VALUE</c>: what one setting costs, e.g.
    /// LOG_SECURITY_EVENTS=false). A key the policy does not have yet is added.
    /// </summary>
    public static string With(string env, IReadOnlyDictionary<string, string> overrides)
    {
        var lines = env.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var (key, value) in overrides)
        {
            var i = lines.FindIndex(l => l.StartsWith(key + "=", StringComparison.Ordinal));
            var line = key + "=" + value;
            if (i >= 0)
            {
                lines[i] = line;
            }
            else
            {
                lines.Add(line);
            }
        }
        return string.Join('\n', lines) + "\n";
    }
}
