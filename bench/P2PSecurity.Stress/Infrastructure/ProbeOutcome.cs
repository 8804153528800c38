namespace P2PSecurity.Stress.Infrastructure;

/// <summary>One probe: welcomed or not, how long until the Welcome, and what went wrong.</summary>
public readonly record struct ProbeOutcome(bool Welcomed, TimeSpan Latency, string? Error);
