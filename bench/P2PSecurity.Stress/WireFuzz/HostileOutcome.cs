using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>One hostile connection's end, with the time from the offending bytes to the close when that is measured.</summary>
public readonly record struct HostileOutcome(HostileResult Result, string? Detail = null, TimeSpan? CloseAfterOffence = null)
{
    /// <summary>Closed by the server, or left open past the bound.</summary>
    public static HostileOutcome FromClose(CloseObservation seen, string what) => seen.Closed
        ? new(HostileResult.ClosedByServer, null, seen.Elapsed)
        : new(HostileResult.LeftOpen, $"{what}: still open after {seen.Elapsed.TotalSeconds:F1} s ({seen.BytesBefore} bytes received)");

    public static HostileOutcome ClientLeft { get; } = new(HostileResult.ClosedByClient);

    public static HostileOutcome Unexpected(string detail) => new(HostileResult.Unexpected, detail);
}
