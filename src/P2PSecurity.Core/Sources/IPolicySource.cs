namespace P2PSecurity.Core.Sources;

/// <summary>
/// One source of policy: something that publishes immutable snapshots of its part of the policy, each with its own
/// revision. Today: the <c>.env</c> file (<see cref="FilePolicySource"/>), the runtime bans
/// (<see cref="Bans.BanList"/>), the lockdown switch (<see cref="Lockdown.LockdownSwitch"/>) and the fleet's
/// decisions (<see cref="Fleet.FleetSync"/>). The gate never reads
/// a source: it reads one <see cref="PolicyView"/>, which <see cref="PolicyComposer"/> rebuilds from every source's
/// snapshot whenever one of them publishes.
/// </summary>
/// <remarks>
/// A source keeps its last good snapshot when an update fails (a file that does not validate, a store that cannot
/// be read): it publishes only what it would stand behind. <see cref="Published"/> is raised on the publishing
/// thread after <see cref="Snapshot"/> changed and before the source acts on the change (e.g. evicts), so that the
/// view in force already holds the new snapshot when any connection is judged against it.
/// </remarks>
public interface IPolicySource<out TSnapshot>
    where TSnapshot : class
{
    /// <summary>A short name for logs (<c>file</c>, <c>bans</c>, <c>lockdown</c>, <c>fleet</c>).</summary>
    string Name { get; }

    /// <summary>The last good snapshot. Never null.</summary>
    TSnapshot Snapshot { get; }

    /// <summary>The source's own revision: it grows with every snapshot published.</summary>
    long Revision { get; }

    /// <summary>Raised after a new snapshot was published (see the remarks on ordering).</summary>
    event Action? Published;
}
