namespace P2PSecurity.Core.Fleet;

/// <summary>
/// The last applied fleet state on this node's disk (the state database), so a node enforces it at start and while
/// the hub is unreachable. Only <see cref="FleetSync"/>'s writer calls it, never a decision.
/// </summary>
public interface IFleetStore
{
    /// <summary>The decisions in force and the stream id they cover (<see cref="StreamId.Zero"/> and none at first).</summary>
    (StreamId LastId, IReadOnlyList<FleetDecision> InForce) LoadFleet();

    /// <summary>Writes one batch of rows and the new last id in one durable transaction.</summary>
    void ApplyFleet(StreamId lastId, IReadOnlyCollection<FleetChange> changes);

    /// <summary>Replaces everything (a snapshot was loaded), in one durable transaction.</summary>
    void ReplaceFleet(StreamId lastId, IReadOnlyCollection<FleetDecision> inForce);
}
