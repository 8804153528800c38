namespace P2PSecurity.Core.Bans;

/// <summary>What is remembered of one offender: strikes in its current window, and its ban history for escalation.</summary>
/// <param name="Key">The first address of the offender's block (an IPv4 address, or an IPv6 /64).</param>
/// <param name="Strikes">Strikes counted since <paramref name="WindowStartMs"/>.</param>
/// <param name="WindowStartMs">When the current window began (Unix ms).</param>
/// <param name="Bans">Automatic bans made for this offender so far.</param>
/// <param name="LastBanMs">When the last one was made (Unix ms), 0 for none.</param>
public readonly record struct OffenderRecord(UInt128 Key, int Strikes, long WindowStartMs, int Bans, long LastBanMs);
