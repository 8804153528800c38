namespace P2PSecurity.Core.Fleet;

/// <summary>
/// The compacted fleet state: every decision in force after the entry <see cref="Covers"/>, one per line in its text
/// form (<see cref="FleetDecision"/>), signed as a whole by an operator over the fleet name and <see cref="Covers"/>.
/// A node that is new, or whose last applied id was trimmed from the stream, loads it and follows from
/// <see cref="Covers"/>. A node never loads a snapshot that covers less than it has applied.
/// </summary>
public sealed record FleetSnapshot(StreamId Covers, string Body, byte[] SignerPublicKey, byte[] Signature);
