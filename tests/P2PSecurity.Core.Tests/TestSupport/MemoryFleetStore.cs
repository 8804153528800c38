using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>The fleet's local store in memory: what a restart would read back.</summary>
internal sealed class MemoryFleetStore : IFleetStore
{
    private readonly Dictionary<(BanTarget, FleetRow), FleetDecision> _rows = [];

    public StreamId LastId { get; private set; }

    public int Writes { get; private set; }

    public IReadOnlyCollection<FleetDecision> Rows => _rows.Values;

    public (StreamId LastId, IReadOnlyList<FleetDecision> InForce) LoadFleet() => (LastId, _rows.Values.ToList());

    public void ApplyFleet(StreamId lastId, IReadOnlyCollection<FleetChange> changes)
    {
        foreach (var c in changes)
        {
            if (c.Now is { } now)
            {
                _rows[(c.Target, c.Row)] = now;
            }
            else
            {
                _rows.Remove((c.Target, c.Row));
            }
        }
        LastId = lastId;
        Writes++;
    }

    public void ReplaceFleet(StreamId lastId, IReadOnlyCollection<FleetDecision> inForce)
    {
        _rows.Clear();
        foreach (var d in inForce)
        {
            _rows[(d.Target, d.Action == FleetAction.Allow ? FleetRow.Allow : FleetRow.Refusal)] = d;
        }
        LastId = lastId;
        Writes++;
    }
}
