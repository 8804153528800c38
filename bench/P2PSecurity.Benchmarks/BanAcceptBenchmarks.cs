using System.Net;
using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The accept decision with 100,000 active bans beside the policy file's 100,000 allowed keys and 100,000 blocked
/// entries, side by side with the same policy and no bans (the baseline): a ban must cost the accept gate nothing
/// it can measure, and a refusal for a ban must be as cheap as one for a blocked address.
/// </summary>
/// <remarks>
/// Bans: 70,000 IPv4 addresses in 100.64.0.0/10, 20,000 IPv4 /24s in 13.0.0.0/8, 5,000 IPv6 /64s in
/// 2001:db8:ff00::/40 and 5,000 node keys, all operator bans for a day.
/// </remarks>
[Config(typeof(ShortConfig))]
public class BanAcceptBenchmarks
{
    public const int BanCount = 100_000;
    private const int ClientCount = 1024;
    private BenchPolicy _plain = null!;
    private BenchPolicy _banned = null!;
    private BanList _bans = null!;
    private IPAddress _blocked = null!;
    private IPAddress _bannedAddress = null!;
    private IPAddress _bannedMapped = null!;
    private IPAddress _inBannedRange = null!;
    private IPAddress[] _clients = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var text = PolicyFiles.Text(keys: true, blocked: true);
        _plain = new BenchPolicy(text);
        _banned = new BenchPolicy(text);
        var bans = MakeBans(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _bans = BanList.Open(new PreloadedBanStore(bans), () => _banned.Manager.Policy.AutoBan);
        _banned.Manager.AttachBans(_bans);
        _blocked = PolicyFiles.BlockedAddress;
        _bannedAddress = IpAddressKey.ToAddress(bans[0].Target.First);
        _bannedMapped = _bannedAddress.MapToIPv6();
        _inBannedRange = IpAddressKey.ToAddress(bans[70_000].Target.First + 77);
        _clients = PolicyFiles.Clients(ClientCount);
        AcceptBenchmarks.Check(_bans.Current.Bans.Count == BanCount, "not every ban is in force");
        AcceptBenchmarks.Check(_banned.Manager.EvaluateAccept(_blocked).Decision.Reason == DenyReason.IpBlocked, "blocked address admitted");
        AcceptBenchmarks.Check(_banned.Manager.EvaluateAccept(_bannedAddress).Decision.Reason == DenyReason.IpBanned, "banned address admitted");
        AcceptBenchmarks.Check(_banned.Manager.EvaluateAccept(_bannedMapped).Decision.Reason == DenyReason.IpBanned, "banned ::ffff: address admitted");
        AcceptBenchmarks.Check(_banned.Manager.EvaluateAccept(_inBannedRange).Decision.Reason == DenyReason.IpBanned, "address in a banned /24 admitted");
        var admitted = _banned.Manager.EvaluateAccept(_clients[0]);
        AcceptBenchmarks.Check(admitted.Allowed, "client refused");
        admitted.Slot!.Release();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bans.Dispose();
        _banned.Dispose();
        _plain.Dispose();
    }

    [Benchmark(Baseline = true, Description = "no bans: refuse blocked IPv4 address")]
    public DenyReason PlainRefuseBlocked() => _plain.Manager.EvaluateAccept(_blocked).Decision.Reason;

    [Benchmark(Description = "100k bans: refuse blocked IPv4 address")]
    public DenyReason BannedRefuseBlocked() => _banned.Manager.EvaluateAccept(_blocked).Decision.Reason;

    [Benchmark(Description = "100k bans: refuse banned IPv4 address")]
    public DenyReason RefuseBannedAddress() => _banned.Manager.EvaluateAccept(_bannedAddress).Decision.Reason;

    [Benchmark(Description = "100k bans: refuse banned address as ::ffff:")]
    public DenyReason RefuseBannedMapped() => _banned.Manager.EvaluateAccept(_bannedMapped).Decision.Reason;

    [Benchmark(Description = "100k bans: refuse address in banned /24")]
    public DenyReason RefuseInBannedRange() => _banned.Manager.EvaluateAccept(_inBannedRange).Decision.Reason;

    [Benchmark(Description = "one wall-clock read (each banned refusal made one before issue 13's fix)")]
    public long ClockRead() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    [Benchmark(Description = "no bans: admit + release")]
    public void PlainAdmitAndRelease() => _plain.Manager.EvaluateAccept(_clients[_next++ & (ClientCount - 1)]).Slot!.Release();

    [Benchmark(Description = "100k bans: admit + release")]
    public void BannedAdmitAndRelease() => _banned.Manager.EvaluateAccept(_clients[_next++ & (ClientCount - 1)]).Slot!.Release();

    /// <summary>Deterministic, distinct bans (see the class remarks), expiring a day after <paramref name="nowMs"/>.</summary>
    internal static List<Ban> MakeBans(long nowMs)
    {
        var random = new Random(2026);
        var until = nowMs + (long)TimeSpan.FromDays(1).TotalMilliseconds;
        var bans = new List<Ban>(BanCount);
        var seen = new HashSet<BanTarget>();
        void Add(BanTarget target)
        {
            if (seen.Add(target))
            {
                bans.Add(new Ban(target, BanSource.Operator, "bench", nowMs, until));
            }
        }
        while (bans.Count < 70_000)
        {
            // 100.64.0.0/10: 0x6440_0000 + 22 random bits.
            Add(BanTarget.ForRange(IpAddressKey.From(V4(0x6440_0000u | (uint)random.Next(1 << 22))), 128));
        }
        while (bans.Count < 90_000)
        {
            Add(BanTarget.ForRange(IpAddressKey.From(V4(0x0D00_0000u | ((uint)random.Next(1 << 16) << 8))), 120));
        }
        while (bans.Count < 95_000)
        {
            var bytes = new byte[16];
            bytes[0] = 0x20;
            bytes[1] = 0x01;
            bytes[2] = 0x0d;
            bytes[3] = 0xb8;
            bytes[4] = 0xff;
            random.NextBytes(bytes.AsSpan(5, 3));
            Add(BanTarget.ForRange(IpAddressKey.From(new IPAddress(bytes)), 64));
        }
        for (var i = 0; bans.Count < BanCount; i++)
        {
            Add(BanTarget.ForNode(PolicyFiles.Key(1_000_000 + i)));
        }
        return bans;
    }

    private static IPAddress V4(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
