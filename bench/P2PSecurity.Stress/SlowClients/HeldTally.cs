namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// How the handshakes of a group of attacking flows ended, summed over the flows: closed by the server before
/// HANDSHAKE_TIMEOUT (refused at the accept gate or evicted by MAX_PENDING_HANDSHAKES), at the timeout, left open past
/// it (a failure), not connected at all, or still open when the run ended.
/// </summary>
internal readonly record struct HeldTally(long Connects, long ClosedEarly, long ClosedAtTimeout, long LeftOpen, long ConnectFailures, long HeldAtEnd = 0)
{
    public static HeldTally Zero => default;

    public static HeldTally operator +(HeldTally a, HeldTally b) =>
        new(a.Connects + b.Connects, a.ClosedEarly + b.ClosedEarly, a.ClosedAtTimeout + b.ClosedAtTimeout, a.LeftOpen + b.LeftOpen,
            a.ConnectFailures + b.ConnectFailures, a.HeldAtEnd + b.HeldAtEnd);

    /// <summary>A handshake still open when the run ended.</summary>
    public static HeldTally StillHeld => new(1, 0, 0, 0, 0, 1);

    /// <summary>One handshake's end, judged against the server's <paramref name="timeout"/>.</summary>
    public static HeldTally Of(SlowOutcome outcome, TimeSpan timeout) => outcome switch
    {
        { Result: SlowResult.ConnectFailed } => new HeldTally(0, 0, 0, 0, 1),
        { Result: SlowResult.LeftOpen } => new HeldTally(1, 0, 0, 1, 0),
        _ when outcome.Elapsed < timeout - TimeSpan.FromMilliseconds(50) => new HeldTally(1, 1, 0, 0, 0),
        _ => new HeldTally(1, 0, 1, 0, 0),
    };

    public override string ToString() =>
        $"{Connects:N0} opened: closed by the server before HANDSHAKE_TIMEOUT (refused or evicted) {ClosedEarly:N0}, " +
        $"at the timeout {ClosedAtTimeout:N0}, left open {LeftOpen:N0}, still under way at the end {HeldAtEnd:N0}; connect failures {ConnectFailures:N0}";
}
