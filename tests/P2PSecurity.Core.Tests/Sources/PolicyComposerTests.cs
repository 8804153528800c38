using P2PSecurity.Core.Bans;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Sources;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Sources;

/// <summary>The sources composed into one view: swapped whole when any source publishes; a broken source keeps its last good snapshot.</summary>
public sealed class PolicyComposerTests
{
    private static readonly LockdownState Engaged = new() { Active = true, Reason = "test" };
    private readonly CapturingLogger _log = new();
    private readonly FilePolicySource _file = new(SecurityPolicy.Defaults with { Revision = 1 });
    private readonly ManualSource<LockdownState> _lockdown = new("lockdown", LockdownState.Off);
    private readonly ManualSource<BanSnapshot> _bans = new("bans", BanSnapshot.Empty);

    [Fact]
    public void Publish_FileChanges_NewViewHoldsItAndTheOtherSourcesSnapshots()
    {
        var composer = new PolicyComposer(_file, _lockdown, _log);
        var before = composer.Current;
        var next = SecurityPolicy.Defaults with { Revision = 2, MaxConnections = 7 };

        _file.Publish(next);

        var after = composer.Current;
        Assert.NotSame(before, after);
        Assert.Same(next, after.File);
        Assert.Same(before.Lockdown, after.Lockdown);
        Assert.Same(before.Bans, after.Bans);
        Assert.Equal(before.Revision + 1, after.Revision);
        Assert.Equal(1, before.File.Revision); // the old view is untouched: a decision holding it sees no half change
    }

    [Fact]
    public void Publish_LockdownChanges_ViewSwapsAndKeepsTheFile()
    {
        var composer = new PolicyComposer(_file, _lockdown, _log);
        var file = composer.Current.File;

        _lockdown.Publish(Engaged);

        Assert.Same(Engaged, composer.Current.Lockdown);
        Assert.Same(file, composer.Current.File);
    }

    [Fact]
    public void AttachBans_ThenPublish_ViewHoldsTheNewestBans()
    {
        var composer = new PolicyComposer(_file, _lockdown, _log);
        Assert.Same(BanSnapshot.Empty, composer.Current.Bans);
        var snapshot = BanSnapshot.Build(5, []);

        composer.AttachBans(_bans);
        _bans.Publish(snapshot);

        Assert.Same(snapshot, composer.Current.Bans);
    }

    [Fact]
    public void Rebuild_SourceThatFails_KeepsItsLastGoodSnapshotAndTheOthersUpdate()
    {
        var composer = new PolicyComposer(_file, _lockdown, _log);
        _lockdown.Publish(Engaged);
        _lockdown.Broken = true;
        var next = SecurityPolicy.Defaults with { Revision = 2 };

        _file.Publish(next);

        Assert.Same(next, composer.Current.File);
        Assert.Same(Engaged, composer.Current.Lockdown); // not Off: a lockdown that cannot be read stays in force
        Assert.Contains(_log.Entries, e => e.Exception is InvalidOperationException && e.Message.Contains("source_lockdown", StringComparison.Ordinal));
    }

    [Fact]
    public void LockdownAt_PastItsEnd_ReadsAsLifted()
    {
        var now = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var composer = new PolicyComposer(_file, _lockdown, _log);
        _lockdown.Publish(Engaged with { Until = now });

        Assert.True(composer.Current.LockdownAt(now - TimeSpan.FromSeconds(1)).Active);
        Assert.False(composer.Current.LockdownAt(now).Active);
    }
}
