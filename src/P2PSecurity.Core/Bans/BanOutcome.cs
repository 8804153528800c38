namespace P2PSecurity.Core.Bans;

/// <summary>The result of a ban or an unban, once it is stored and in force.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Ban">The ban in force now (for a ban), or the ban removed (for an unban).</param>
/// <param name="Previous">The ban it replaced on the same target.</param>
/// <param name="Displaced">The automatic ban dropped to make room (MAX_BANS).</param>
/// <param name="SessionsClosed">Live sessions closed by the change that carried this ban.</param>
public sealed record BanOutcome(BanOutcomeStatus Status, Ban? Ban, Ban? Previous = null, Ban? Displaced = null, int SessionsClosed = 0);
