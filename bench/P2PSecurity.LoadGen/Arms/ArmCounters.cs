namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// What a server under load counted, for the consistency checks: connections it closed at accept (refused by
/// address, or every connection for the bare closing server), refusals of any reason, peers welcomed so far, and
/// sessions open now.
/// </summary>
internal readonly record struct ArmCounters(long ClosedAtAccept, long Refusals, long Welcomed, long Sessions);
