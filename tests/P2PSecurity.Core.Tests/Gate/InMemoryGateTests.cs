using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Gate;

/// <summary>Every stage of the gate, on a manager built from an in-memory policy: no policy file, no temporary folder.</summary>
public sealed class InMemoryGateTests : IDisposable
{
    private const string Secret = "0123456789abcdef-network";
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.40");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SecurityManager? _manager;

    [Fact]
    public void FromPolicy_ReadsNoFileAndTheAcceptCheckChangesNothing()
    {
        var gate = Gate("MAX_CONNECTIONS=3\n");

        var accepted = gate.AcceptAsync(Client, outbound: false).AsTask();
        Assert.True(accepted.IsCompletedSuccessfully);

        Assert.True(_manager!.InMemory);
        Assert.Equal(SecurityManager.InMemoryPath, _manager.PolicyPath);
        Assert.Equal(0, _manager.FileReads);
        Assert.Equal(1, _manager.Policy.Revision);
        Assert.Equal(3, _manager.View.File.MaxConnections);
    }

    [Fact]
    public void Accept_BlockedRange_Denies()
    {
        var gate = Gate("BLOCKED_IP_ADDRESSES=127.0.0.0/24\n");

        var result = gate.Accept(Client, outbound: false);

        Assert.Equal(DenyReason.IpBlocked, result.Decision.Reason);
        Assert.Null(result.Slot);
        Assert.Equal(1, _manager!.RefusalCounts[DenyReason.IpBlocked]);
    }

    [Fact]
    public void Accept_OverTheLimitPerAddress_DeniesAndReleaseGivesItBack()
    {
        var gate = Gate("MAX_CONNECTIONS_PER_IP=1\n");
        var first = gate.Accept(Client, outbound: false);

        Assert.True(first.Allowed);
        Assert.Equal(DenyReason.TooManyConnectionsFromIp, gate.Accept(Client, outbound: false).Decision.Reason);
        first.Slot!.Release();
        Assert.True(gate.Accept(Client, outbound: false).Allowed);
    }

    [Fact]
    public void Secured_BlockedKey_Denies()
    {
        var gate = Gate($"BLOCKED_NODE_KEYS={TestKeys.Hex(1)}\n");
        var slot = gate.Accept(Client, outbound: false).Slot!;

        Assert.Equal(DenyReason.NodeBlocked, gate.Secured(slot, TestKeys.Key(1)).Reason);
        Assert.True(gate.Secured(slot, TestKeys.Key(2)).Allowed);
    }

    [Fact]
    public void NodeHandshake_WrongAnswer_DeniesAndRightAnswer_WelcomesWithThePolicysTerms()
    {
        var gate = Gate($"NETWORK_SECRET_KEY={Secret}\nMAX_FRAME_SIZE=65536\nMESSAGE_RATE_LIMIT=5/min\n");
        var challenge = NetworkKeyProof.NewChallenge();
        var peerChallenge = NetworkKeyProof.NewChallenge();
        var (client, server) = (TestKeys.Key(1), TestKeys.Key(2));
        var wrong = gate.Accept(Client, outbound: false).Slot!;
        var right = gate.Accept(Client, outbound: false).Slot!;

        var refused = gate.NodeHandshake(wrong, client, new NetworkKeyAnswer(challenge, new byte[32], client, server, peerChallenge));
        var answer = NetworkKeyProof.Compute(Secret, challenge, client, server);
        var welcomed = gate.NodeHandshake(right, client, new NetworkKeyAnswer(challenge, answer, client, server, peerChallenge));

        Assert.Equal(DenyReason.NetworkKeyProofFailed, refused.Decision.Reason);
        Assert.True(welcomed.Allowed);
        Assert.Equal(65536, welcomed.Terms.MaxFrameSize);
        Assert.Equal(5, welcomed.Terms.MessageRateCount);
        Assert.Equal(60, welcomed.Terms.MessageRatePeriodSeconds);
        Assert.Equal(NetworkKeyProof.Compute(Secret, peerChallenge, client, server), welcomed.Terms.Proof);
        Assert.True(right.Authenticated);
    }

    [Fact]
    public void Message_OverTheRate_Denies()
    {
        var gate = Gate("MESSAGE_RATE_LIMIT=1/min\n");
        var slot = gate.Accept(Client, outbound: false).Slot!;

        Assert.True(gate.Message(slot).Allowed);
        Assert.Equal(DenyReason.MessageRateExceeded, gate.Message(slot).Reason);
    }

    [Fact]
    public void Broadcast_FromABlockedOrigin_Denies()
    {
        var gate = Gate($"BLOCKED_NODE_KEYS={TestKeys.Hex(9)}\n");
        var slot = gate.Accept(Client, outbound: false).Slot!;
        Assert.True(gate.NodeHandshake(slot, TestKeys.Key(1), NetworkKeyAnswer.Recorded).Allowed);
        var message = new BroadcastMessage(new byte[BroadcastMessage.IdSize], TestKeys.Key(9), [1], null, null, _time.GetUtcNow().ToUnixTimeMilliseconds());

        Assert.Equal(DenyReason.OriginBlocked, gate.Broadcast(slot, message).Reason);
    }

    [Fact]
    public void Live_AfterALockdown_DeniesAndTheViewHoldsIt()
    {
        var gate = Gate(string.Empty);
        var slot = gate.Accept(Client, outbound: false).Slot!;
        var before = _manager!.View;
        Assert.True(gate.Live(slot).Allowed);

        var (change, _) = _manager.EngageLockdown(new LockdownOptions());

        Assert.Null(change.PersistError); // nothing to write: the switch is in memory
        Assert.NotSame(before, _manager.View);
        Assert.True(_manager.View.Lockdown.Active);
        Assert.Equal(DenyReason.Lockdown, gate.Live(slot).Reason);
        Assert.Equal(DenyReason.Lockdown, gate.Accept(Client, outbound: false).Decision.Reason);
    }

    private ISecurityGate Gate(string text)
    {
        var loaded = PolicyLoader.Load(text, null);
        Assert.NotNull(loaded.Policy);
        _manager = SecurityManager.FromPolicy(loaded.Policy, time: _time);
        return _manager.Gate;
    }

    public void Dispose() => _manager?.Dispose();
}
