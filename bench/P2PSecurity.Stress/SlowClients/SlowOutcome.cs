namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// One slow client's end: when the server closed it, counted from its TCP connect, and for a client that completed
/// TLS, when that was (the server had certainly accepted it by then).
/// </summary>
public readonly record struct SlowOutcome(SlowKind Kind, SlowResult Result, TimeSpan Elapsed, string? Detail, TimeSpan? TlsDone = null);
