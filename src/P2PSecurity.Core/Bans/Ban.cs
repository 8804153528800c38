namespace P2PSecurity.Core.Bans;

/// <summary>One ban. Times are Unix milliseconds (UTC) on the server's injected clock; <see cref="Forever"/> never expires.</summary>
/// <remarks>About 88 bytes on the heap: the 40-byte target, two times, the source and one reference (the reason
/// text, shared by every automatic ban of one kind).</remarks>
public sealed record Ban(BanTarget Target, BanSource Source, string Reason, long MadeAtMs, long ExpiresAtMs)
{
    /// <summary>The expiry of a ban that never expires.</summary>
    public const long Forever = long.MaxValue;

    public bool IsForever => ExpiresAtMs == Forever;

    /// <summary>True while the ban holds at <paramref name="nowMs"/>: it is gone at its expiry, not a moment later.</summary>
    public bool IsActive(long nowMs) => nowMs < ExpiresAtMs;

    public DateTimeOffset MadeAt => DateTimeOffset.FromUnixTimeMilliseconds(MadeAtMs);

    public DateTimeOffset? ExpiresAt => IsForever ? null : DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtMs);
}
