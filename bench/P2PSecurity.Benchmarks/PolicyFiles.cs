using System.Net;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// Deterministic large policy files. Blocked: IPv4 addresses in 10.0.0.0/8, IPv4 /24s in 11.0.0.0/8 and 12.0.0.0/8,
/// IPv6 /48s in 2001:db8::/32. Clients admitted by the benchmarks come from 192.168.0.0/16, outside every block.
/// </summary>
public static class PolicyFiles
{
    public const int Count = 100_000;

    /// <summary>Key n: the SHA-256 of the 4 bytes of n, as if it were a SubjectPublicKeyInfo.</summary>
    public static NodeKey Key(int n) => NodeKey.FromSubjectPublicKeyInfo(BitConverter.GetBytes(n));

    public static IReadOnlyList<string> BlockedEntries { get; } = MakeBlocked();

    /// <summary>The first blocked single IPv4 address (an exact entry).</summary>
    public static IPAddress BlockedAddress => IPAddress.Parse(BlockedEntries[0]);

    /// <summary>An address inside a blocked /24.</summary>
    public static IPAddress AddressInBlockedCidr => IPAddress.Parse(BlockedEntries[70_000].Replace(".0/24", ".77", StringComparison.Ordinal));

    /// <summary>Distinct client addresses that no rule blocks, in IPv4-mapped IPv6 form as a dual-mode socket shows them.</summary>
    public static IPAddress[] Clients(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new IPAddress([192, 168, (byte)(i >> 8), (byte)i]).MapToIPv6())];

    public static string Text(bool keys, bool blocked, string extra = "")
    {
        var sb = new StringBuilder(16 * 1024 * 1024);
        sb.Append("# generated for the benchmarks\n");
        sb.Append("MAX_CONNECTIONS_PER_IP=100000\nCONNECTION_RATE_LIMIT=1000000/s\nMESSAGE_RATE_LIMIT=1000000/s\n");
        sb.Append(extra);
        if (keys)
        {
            sb.Append("ALLOWED_NODE_KEYS=\"\n");
            for (var i = 0; i < Count; i++)
            {
                sb.Append("  ").Append(Key(i).ToString()).Append('\n');
            }
            sb.Append("\"\n");
        }
        if (blocked)
        {
            sb.Append("BLOCKED_IP_ADDRESSES=\"\n");
            foreach (var entry in BlockedEntries)
            {
                sb.Append("  ").Append(entry).Append('\n');
            }
            sb.Append("\"\n");
        }
        return sb.ToString();
    }

    private static List<string> MakeBlocked()
    {
        var random = new Random(2024);
        var entries = new List<string>(Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string entry)
        {
            if (seen.Add(entry))
            {
                entries.Add(entry);
            }
        }
        while (entries.Count < 70_000)
        {
            Add($"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");
        }
        while (entries.Count < 90_000)
        {
            Add($"{11 + random.Next(2)}.{random.Next(256)}.{random.Next(256)}.0/24");
        }
        while (entries.Count < Count)
        {
            Add($"2001:db8:{random.Next(65536):x}::/48");
        }
        return entries;
    }
}
