using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Bans;

/// <summary>The AUTO_BAN_* settings and MAX_BANS, part of the policy and reloaded with it.</summary>
public sealed record AutoBanSettings
{
    // Static initialisers run in text order: the exempt defaults must exist before Defaults is built from them.
    public static IReadOnlyList<string> DefaultExemptEntries { get; } = ["127.0.0.0/8", "::1"];

    private static readonly IpRangeSet DefaultExempt = new(DefaultExemptEntries.Select(e =>
        IpRange.TryParse(e, out var r, out _) ? r : throw new InvalidOperationException(e)));

    public static AutoBanSettings Defaults { get; } = new();

    public AutoBanMode Mode { get; init; } = AutoBanMode.On;

    /// <summary>Strikes within <see cref="Window"/> that make a ban.</summary>
    public int Threshold { get; init; } = 20;

    /// <summary>Strikes count from an offender's first strike for this long; then its count starts again.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The first automatic ban's length.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Each further ban of the same offender is this many times longer.</summary>
    public double Factor { get; init; } = 2;

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Never banned automatically (loopback by default: local sidecars and a reverse proxy show as loopback).</summary>
    public IpRangeSet Exempt { get; init; } = DefaultExempt;

    /// <summary>The exempt list as written, for diffs and status.</summary>
    public IReadOnlyList<string> ExemptEntries { get; init; } = DefaultExemptEntries;

    /// <summary>
    /// IPv6 offenders are counted and banned per block of this many bits (one subscriber usually holds a /64): the
    /// policy's IPV6_LIMIT_PREFIX, set by the loader, so strikes and the per-address limits agree on what one peer is.
    /// </summary>
    public int Ipv6Prefix { get; init; } = 64;

    /// <summary>MAX_BANS: the most bans held at once.</summary>
    public int MaxBans { get; init; } = 1_000_000;

    /// <summary>The length of an offender's next ban after <paramref name="previousBans"/> earlier ones.</summary>
    public TimeSpan DurationAfter(int previousBans)
    {
        var ms = Duration.TotalMilliseconds * Math.Pow(Factor, Math.Min(previousBans, 64));
        return double.IsFinite(ms) && ms < MaxDuration.TotalMilliseconds ? TimeSpan.FromMilliseconds(ms) : MaxDuration;
    }

    /// <summary>The block an offender is counted and banned as: the IPv4 address itself, an IPv6 address's /<see cref="Ipv6Prefix"/>.</summary>
    public BanTarget OffenderOf(UInt128 addressKey) =>
        BanTarget.ForRange(addressKey, IpAddressKey.IsIPv4(addressKey) ? 128 : Ipv6Prefix);
}
