using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Sources;

/// <summary>
/// What every decision reads, once: the current snapshot of every policy source, as one immutable object replaced
/// whole (<see cref="PolicyComposer"/>). A decision takes the view it started with and passes it down; it never
/// reads a source, nor the current view again, halfway (the one exception is the deliberate re-check against the
/// newest view after a slot is marked, which closes the race with an eviction pass).
/// </summary>
/// <remarks>To add a source, see <see cref="PolicyComposer"/>.</remarks>
public sealed class PolicyView
{
    internal PolicyView(long revision, SecurityPolicy file, BanSnapshot bans, LockdownState lockdown, FleetView fleet)
    {
        Revision = revision;
        File = file;
        Bans = bans;
        Lockdown = lockdown;
        Fleet = fleet;
    }

    /// <summary>The view's own revision: one more for every change of any source.</summary>
    public long Revision { get; }

    /// <summary>The <c>.env</c> file's policy (its own revision is <see cref="SecurityPolicy.Revision"/>).</summary>
    public SecurityPolicy File { get; }

    /// <summary>The runtime bans (<see cref="BanSnapshot.Empty"/> while no ban source is attached).</summary>
    public BanSnapshot Bans { get; }

    /// <summary>The fleet decisions in force (<see cref="FleetView.Empty"/> while the node is in no fleet).</summary>
    public FleetView Fleet { get; }

    /// <summary>
    /// The operator's lockdown as last published. A lockdown past its <see cref="LockdownState.Until"/> counts as
    /// lifted even before its expiry is published: ask <see cref="LockdownAt"/>.
    /// </summary>
    public LockdownState Lockdown { get; }

    /// <summary>The operator's lockdown at <paramref name="now"/>.</summary>
    public LockdownState LockdownAt(DateTimeOffset now) =>
        Lockdown.Until is { } until && now >= until ? LockdownState.Off : Lockdown;

    /// <summary>
    /// The operator's lockdown now. The clock is read only for a lockdown with an end: on this VM a wall-clock read
    /// costs more than the whole refusal at accept, and a decision makes one or two of these.
    /// </summary>
    public LockdownState LockdownNow(TimeProvider time) =>
        Lockdown.Until is { } until && time.GetUtcNow() >= until ? LockdownState.Off : Lockdown;

    /// <summary>A view of one in-memory policy, no bans, no lockdown and no fleet (tests, tools, a first view).</summary>
    public static PolicyView Of(SecurityPolicy policy) => new(1, policy, BanSnapshot.Empty, LockdownState.Off, FleetView.Empty);

    public override string ToString() => $"view {Revision} (file {File.Revision}, bans {Bans.Version}, lockdown {(Lockdown.Active ? "on" : "off")}, fleet {Fleet.LastId})";
}
