namespace P2PSecurity.Server.Pipeline;

/// <summary>When the accept gate admitted a connection, as a monotonic timestamp of the server's <see cref="TimeProvider"/>.</summary>
internal sealed record AcceptedAt(long Timestamp);
