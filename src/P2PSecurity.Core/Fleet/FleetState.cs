using System.Text;
using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// The decisions in force, keyed by what they decide about: for each target at most one block-or-ban and at most
/// one allow. Owned by <see cref="FleetSync"/>'s single writer; the gates read the <see cref="FleetView"/> built
/// from it. Undo actions (unblock, unban, disallow) remove; nothing here is ever added by anyone but a signed entry
/// or a signed snapshot.
/// </summary>
public sealed class FleetState
{
    private readonly Dictionary<BanTarget, FleetDecision> _refusals = new();
    private readonly Dictionary<BanTarget, FleetDecision> _allows = new();

    public StreamId LastId { get; set; }

    public int Count => _refusals.Count + _allows.Count;

    public IEnumerable<FleetDecision> InForce => _refusals.Values.Concat(_allows.Values);

    /// <summary>
    /// Applies one decision; returns what the database must write: the decision now in force for its target (null
    /// when the target's row goes away), and the row's kind.
    /// </summary>
    public FleetChange Apply(FleetDecision decision)
    {
        switch (decision.Action)
        {
            case FleetAction.Block:
            case FleetAction.Ban:
                // A block outranks a ban of the same target: a ban published after a block does not shorten it.
                if (decision.Action == FleetAction.Ban && _refusals.TryGetValue(decision.Target, out var held) && held.Action == FleetAction.Block)
                {
                    return new FleetChange(decision.Target, FleetRow.Refusal, held);
                }
                _refusals[decision.Target] = decision;
                return new FleetChange(decision.Target, FleetRow.Refusal, decision);
            case FleetAction.Unblock:
                return Lift(decision.Target, FleetAction.Block);
            case FleetAction.Unban:
                return Lift(decision.Target, FleetAction.Ban);
            case FleetAction.Allow:
                _allows[decision.Target] = decision;
                return new FleetChange(decision.Target, FleetRow.Allow, decision);
            case FleetAction.Disallow:
                _allows.Remove(decision.Target);
                return new FleetChange(decision.Target, FleetRow.Allow, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision.Action, "unknown fleet action");
        }
    }

    private FleetChange Lift(BanTarget target, FleetAction kind)
    {
        if (_refusals.TryGetValue(target, out var held) && held.Action == kind)
        {
            _refusals.Remove(target);
            return new FleetChange(target, FleetRow.Refusal, null);
        }
        return new FleetChange(target, FleetRow.Refusal, held);
    }

    /// <summary>Drops bans that expired before <paramref name="nowMs"/>; returns their targets.</summary>
    public List<BanTarget> DropExpired(long nowMs)
    {
        var gone = _refusals.Values.Where(d => d.Action == FleetAction.Ban && d.ExpiresAtMs <= nowMs).Select(d => d.Target).ToList();
        foreach (var target in gone)
        {
            _refusals.Remove(target);
        }
        return gone;
    }

    public void Clear()
    {
        _refusals.Clear();
        _allows.Clear();
        LastId = StreamId.Zero;
    }

    public FleetView ToView(long nowMs) => FleetView.Build(LastId, InForce, nowMs);

    /// <summary>The snapshot body: one decision per line (bans expired at <paramref name="nowMs"/> left out), sorted, so equal states give equal bodies.</summary>
    public string ToSnapshotBody(long nowMs)
    {
        var lines = InForce.Where(d => d.Action != FleetAction.Ban || d.ExpiresAtMs > nowMs).Select(d => d.ToString()).ToList();
        lines.Sort(StringComparer.Ordinal);
        var text = new StringBuilder(lines.Count * 40);
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Parses a snapshot body into decisions; null with the first bad line's error when any line is not a decision.</summary>
    public static List<FleetDecision>? ParseBody(string body, out string? error)
    {
        var decisions = new List<FleetDecision>();
        var line = 0;
        foreach (var text in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            line++;
            if (!FleetDecision.TryParse(text, out var decision, out error) || decision.Action is not (FleetAction.Block or FleetAction.Ban or FleetAction.Allow))
            {
                error = $"snapshot line {line}: {error ?? "only block, ban and allow are held in a snapshot"}";
                return null;
            }
            decisions.Add(decision);
        }
        error = null;
        return decisions;
    }
}

/// <summary>The kind of a row of the fleet state: a refusal (block or ban) or an allow, one of each per target.</summary>
public enum FleetRow : byte
{
    Refusal = 1,
    Allow = 2,
}

/// <summary>A target's row after a decision: <see cref="Now"/> is what is in force for it (null: nothing).</summary>
public readonly record struct FleetChange(BanTarget Target, FleetRow Row, FleetDecision? Now);
