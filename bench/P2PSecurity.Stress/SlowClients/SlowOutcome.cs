using P2PSecurity.Core.Security;

namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// One slow client's end: when the server closed it, counted from its TCP connect; for a client that completed
/// TLS, when that was (the server had certainly accepted it by then); for a blocked one, the Refusal it was sent
/// (null if none came) and when.
/// </summary>
public readonly record struct SlowOutcome(SlowKind Kind, SlowResult Result, TimeSpan Elapsed, string? Detail, TimeSpan? TlsDone = null,
    DenyReason? Refusal = null, TimeSpan? RefusedAt = null);
