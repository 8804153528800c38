using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// One visit of the allowed node during a held-handshakes run: when it started (since the flood started), its first
/// attempt, whether an attempt was welcomed in the end, and the time from its first connect to that Welcome.
/// </summary>
internal readonly record struct ProbeVisit(TimeSpan At, ProbeOutcome First, bool Welcomed, TimeSpan UntilWelcomed);
