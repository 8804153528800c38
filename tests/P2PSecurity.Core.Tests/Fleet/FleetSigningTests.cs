using P2PSecurity.Core.Fleet;
using P2PSecurity.Core.Identity;

namespace P2PSecurity.Core.Tests.Fleet;

/// <summary>What an operator signs binds the fleet, the stream id and the decision: any change no longer verifies.</summary>
public sealed class FleetSigningTests
{
    private static readonly FleetDecision Block = new(FleetAction.Block, P2PSecurity.Core.Tests.TestSupport.FleetHarness.Target("203.0.113.7"));

    [Fact]
    public void Verify_SignedByOperator_Valid()
    {
        using var op = NodeIdentity.Create();
        var signing = new FleetSigning("prod", [op.NodeKey]);

        var entry = signing.Sign(op, new StreamId(10, 0), StreamId.Zero, Block);

        Assert.Equal(FleetVerdict.Valid, signing.Verify(entry));
    }

    [Fact]
    public void Verify_SignerNotAnOperator_UnknownSigner()
    {
        using var op = NodeIdentity.Create();
        using var stranger = NodeIdentity.Create();
        var signing = new FleetSigning("prod", [op.NodeKey]);

        var entry = signing.Sign(stranger, new StreamId(10, 0), StreamId.Zero, Block);

        Assert.Equal(FleetVerdict.UnknownSigner, signing.Verify(entry));
    }

    [Fact]
    public void Verify_TamperedReplayedOrOtherFleet_BadSignature()
    {
        using var op = NodeIdentity.Create();
        var signing = new FleetSigning("prod", [op.NodeKey]);
        var entry = signing.Sign(op, new StreamId(10, 0), StreamId.Zero, Block);

        var tampered = entry with { Payload = "unblock 203.0.113.7" };
        var replayed = entry with { Id = new StreamId(99, 0) };
        var relinked = entry with { Prev = new StreamId(9, 0) };
        var otherFleet = new FleetSigning("staging", [op.NodeKey]);

        Assert.Equal(FleetVerdict.BadSignature, signing.Verify(tampered));
        Assert.Equal(FleetVerdict.BadSignature, signing.Verify(replayed));
        Assert.Equal(FleetVerdict.BadSignature, signing.Verify(relinked));
        Assert.Equal(FleetVerdict.BadSignature, otherFleet.Verify(entry));
    }

    [Fact]
    public void Verify_Snapshot_BindsCoversAndBody()
    {
        using var op = NodeIdentity.Create();
        var signing = new FleetSigning("prod", [op.NodeKey]);
        var snapshot = signing.SignSnapshot(op, new StreamId(10, 0), "block 203.0.113.7\n");

        Assert.Equal(FleetVerdict.Valid, signing.Verify(snapshot));
        Assert.Equal(FleetVerdict.BadSignature, signing.Verify(snapshot with { Body = "" }));
        Assert.Equal(FleetVerdict.BadSignature, signing.Verify(snapshot with { Covers = new StreamId(11, 0) }));
    }
}
