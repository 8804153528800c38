namespace P2PSecurity.Core.Fleet;

/// <summary>
/// Where the fleet's decisions are shared (Redis: a stream and a snapshot key per fleet). The seam between the
/// decision logic (<see cref="FleetSync"/>) and the transport, so the logic is tested with a fake hub. Every call
/// throws <see cref="FleetHubException"/> when the hub cannot be reached; nothing it returns is trusted unchecked.
/// </summary>
public interface IFleetHub
{
    /// <summary>
    /// Up to <paramref name="count"/> entries after <paramref name="after"/>, waiting up to <paramref name="block"/>
    /// for one to arrive (null: do not wait). An empty list when none came.
    /// </summary>
    Task<IReadOnlyList<FleetRawEntry>> ReadAsync(StreamId after, int count, TimeSpan? block, CancellationToken cancellationToken);

    /// <summary>The stream's last generated id (<see cref="StreamId.Zero"/> when there is no stream).</summary>
    Task<StreamId> TopAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="entry"/> at its own id, atomically: only if the stream's last id is still
    /// <paramref name="expectedTop"/> (null: whatever it is, for a retry of the same entry).
    /// </summary>
    Task<FleetAppendOutcome> AppendAsync(FleetEntry entry, StreamId? expectedTop, CancellationToken cancellationToken);

    /// <summary>The stored snapshot, or null when there is none (one that cannot be read comes back unsigned, and fails its check).</summary>
    Task<FleetSnapshot?> ReadSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>The id the stored snapshot covers, or null when there is none (read without its body).</summary>
    Task<StreamId?> ReadSnapshotCoversAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="snapshot"/> unless the stored one covers as much or more; true when stored.</summary>
    Task<bool> WriteSnapshotAsync(FleetSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>Drops the entries before <paramref name="minId"/> (a snapshot covers them).</summary>
    Task TrimAsync(StreamId minId, CancellationToken cancellationToken);
}

/// <summary>An entry as the hub returned it: nothing checked yet.</summary>
public sealed record FleetRawEntry(StreamId Id, IReadOnlyDictionary<string, string> Fields);

public enum FleetAppendOutcome
{
    Added,

    /// <summary>This very entry (same id and signature) is already there: an earlier try of a retry got through.</summary>
    AlreadyThere,

    /// <summary>Another entry came first; read it and try again with a new id.</summary>
    Conflict,
}

/// <summary>The hub cannot be reached or answered something that is not an answer.</summary>
public sealed class FleetHubException(string message, Exception? inner = null) : Exception(message, inner);
