namespace P2PSecurity.Stress.Infrastructure;

/// <summary>What a client saw while waiting for the server to close: whether it did, bytes before, and when.</summary>
public readonly record struct CloseObservation(bool Closed, long BytesBefore, TimeSpan Elapsed);
