using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Control;

/// <summary>One ban as the control channel shows it.</summary>
public sealed class BanInfo
{
    /// <summary>Canonical: <c>203.0.113.7</c>, <c>10.0.0.0/8</c>, <c>2001:db8::/64</c>, or a node key.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary><c>address</c>, <c>range</c> or <c>node</c>.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Who or what made it: <c>operator</c> or <c>automatic</c>.</summary>
    public string Source { get; set; } = string.Empty;

    public string Reason { get; set; } = string.Empty;

    public DateTimeOffset MadeAt { get; set; }

    /// <summary>When it ends; absent for a ban that never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Whole seconds left (rounded up); absent for a ban that never expires.</summary>
    public long? SecondsLeft { get; set; }

    public bool Forever { get; set; }

    public static BanInfo From(Ban ban, long nowMs) => new()
    {
        Target = ban.Target.ToString(),
        Kind = ban.Target.Kind,
        Source = ban.Source.Name(),
        Reason = ban.Reason,
        MadeAt = ban.MadeAt,
        ExpiresAt = ban.ExpiresAt,
        SecondsLeft = ban.IsForever ? null : Math.Max(0, (ban.ExpiresAtMs - nowMs + 999) / 1000),
        Forever = ban.IsForever,
    };
}
