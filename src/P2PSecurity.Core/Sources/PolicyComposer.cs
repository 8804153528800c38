using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Sources;

/// <summary>
/// Composes the policy sources into one <see cref="PolicyView"/>: whenever a source publishes, a new view is built
/// from the latest snapshot of every source and swapped in with one exchange. Builds are serialised by one lock, so
/// views are published in order and each holds the newest snapshot of every source at its build.
/// </summary>
/// <remarks>
/// A source whose snapshot cannot be read (its getter throws) keeps its last good snapshot in the new view, and the
/// fault is logged: one broken source must neither stop the others from updating nor leave the gate without a view.
/// <para>
/// The fleet (<see cref="FleetSync"/>) is the one source that can be replaced while the server runs: a reload that
/// changes FLEET_* attaches another (<see cref="AttachFleet"/>) or none, and the next view holds its snapshot (or
/// <see cref="FleetView.Empty"/>).
/// </para>
/// <para>
/// Adding another source: (1) make it an <see cref="IPolicySource{TSnapshot}"/> of an
/// immutable snapshot type with an empty value; (2) add a property of that type to <see cref="PolicyView"/> and a
/// parameter to its constructor; (3) add a field and an <c>Attach</c> method here, and one
/// <c>Read(source, previous.X)</c> line in <see cref="Rebuild"/>; (4) ask the new property in the stage of
/// <see cref="Security.SecurityManager"/> that needs it, from the view the decision already holds.
/// </para>
/// </remarks>
public sealed class PolicyComposer
{
    private readonly Lock _buildLock = new();
    private readonly ILogger _logger;
    private readonly IPolicySource<SecurityPolicy> _file;
    private readonly IPolicySource<LockdownState>? _lockdown;
    private IPolicySource<BanSnapshot>? _bans;
    private IPolicySource<FleetView>? _fleet;
    private PolicyView _view;

    public PolicyComposer(IPolicySource<SecurityPolicy> file, IPolicySource<LockdownState>? lockdown, ILogger logger)
    {
        _file = file;
        _lockdown = lockdown;
        _logger = logger;
        _view = new PolicyView(1, file.Snapshot, BanSnapshot.Empty, lockdown?.Snapshot ?? LockdownState.Off, FleetView.Empty);
        file.Published += Rebuild;
        if (lockdown is not null)
        {
            lockdown.Published += Rebuild;
        }
    }

    /// <summary>The view in force. Read it once per decision.</summary>
    public PolicyView Current => Volatile.Read(ref _view);

    /// <summary>Adds the ban source (once, before the first connection) and builds a view that holds its snapshot.</summary>
    public void AttachBans(IPolicySource<BanSnapshot> bans)
    {
        lock (_buildLock)
        {
            _bans = bans;
        }
        bans.Published += Rebuild;
        Rebuild();
    }

    /// <summary>
    /// Makes <paramref name="fleet"/> the fleet source (null: none) in place of the one attached before, and builds a
    /// view that holds its snapshot. The previous source's publishes no longer reach the view.
    /// </summary>
    public void AttachFleet(IPolicySource<FleetView>? fleet)
    {
        IPolicySource<FleetView>? previous;
        lock (_buildLock)
        {
            previous = _fleet;
            _fleet = fleet;
        }
        if (previous is not null)
        {
            previous.Published -= Rebuild;
        }
        if (fleet is not null)
        {
            fleet.Published += Rebuild;
        }
        Rebuild();
    }

    /// <summary>Builds and swaps in a new view from every source's latest snapshot.</summary>
    public void Rebuild()
    {
        lock (_buildLock)
        {
            var previous = _view;
            var next = new PolicyView(
                previous.Revision + 1,
                Read(_file, previous.File),
                Read(_bans, previous.Bans),
                Read(_lockdown, previous.Lockdown),
                // No fleet source: no fleet decisions (the source was detached by a reload that turned the fleet off).
                _fleet is null ? FleetView.Empty : Read(_fleet, previous.Fleet));
            Interlocked.Exchange(ref _view, next);
        }
    }

    private T Read<T>(IPolicySource<T>? source, T previous)
        where T : class
    {
        if (source is null)
        {
            return previous;
        }
        try
        {
            return source.Snapshot ?? previous;
        }
        catch (Exception ex)
        {
            SecurityLog.InternalError(_logger, ex, "source_" + source.Name, "-");
            return previous;
        }
    }
}
