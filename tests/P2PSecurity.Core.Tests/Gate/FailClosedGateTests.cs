using System.Net;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Gate;

/// <summary>The one fail-closed wrapper: a fault in any stage is a logged, counted refusal with internal_error.</summary>
public sealed class FailClosedGateTests : IDisposable
{
    private static readonly IPAddress Peer = IPAddress.Parse("127.0.0.9");
    private readonly ManagerHarness _harness = new(string.Empty);
    private readonly ThrowingGate _inner = new();
    private readonly CapturingLogger _log = new();
    private readonly List<DenyReason> _counted = [];
    private readonly FailClosedGate _gate;
    private readonly ConnectionSlot _slot;

    public FailClosedGateTests()
    {
        _gate = new FailClosedGate(_inner, _log, _counted.Add);
        _slot = _harness.Manager.OnNewConnection(Peer).Slot!;
    }

    public static TheoryData<string> Stages => ["accept", "accept_async", "secured", "node", "message", "broadcast", "live"];

    [Theory]
    [MemberData(nameof(Stages))]
    public void Stage_InnerThrows_DeniesInternalErrorLogsAndCounts(string stage)
    {
        var decision = Run(stage);

        Assert.False(decision.Allowed);
        Assert.Equal(DenyReason.InternalError, decision.Reason);
        Assert.Equal(255, (int)decision.Reason);
        Assert.Equal([DenyReason.InternalError], _counted);
        var entry = Assert.Single(_log.Entries);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains(stage.Replace("_async", "", StringComparison.Ordinal), entry.Message, StringComparison.Ordinal);
        Assert.Contains(stage.StartsWith("accept", StringComparison.Ordinal) ? "127.0.0.9" : _slot.Address.ToString(), entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Questions_InnerThrows_AnswerTheClosedSide()
    {
        Assert.True(_gate.ClientCertificateRequired);
        Assert.True(_gate.NetworkKeyProofRequired);
        Assert.Null(_gate.ProveNetworkKey(new byte[32], TestKeys.Key(1), TestKeys.Key(2)));
        Assert.Equal(3, _log.Entries.Count);
        Assert.Empty(_counted); // not refusals of a connection
    }

    [Fact]
    public void Reports_InnerThrows_AreLoggedAndDoNotThrow()
    {
        _gate.ReportRefusal(Peer, null, DenyReason.ProtocolViolation);
        _gate.ReportHandshakeTimeout(Peer);
        _gate.ReportMessageFlood(_slot);

        Assert.Equal(3, _inner.Calls);
        Assert.Equal(3, _log.Entries.Count(e => e.Exception is InvalidOperationException));
    }

    [Fact]
    public void ManagerGate_FaultInsideTheAcceptStage_DeniesAndCountsInternalError()
    {
        var manager = _harness.Manager;

        // A null address cannot be keyed: the stage throws, and the wrapper turns that into a refusal.
        var result = manager.Gate.Accept(null!, outbound: false);

        Assert.Equal(DenyReason.InternalError, result.Decision.Reason);
        Assert.Null(result.Slot);
        Assert.Equal(1, manager.RefusalCounts[DenyReason.InternalError]);
        Assert.Contains(_harness.Logger.Entries, e => e.EventId.Id == 1010 && e.Exception is not null);
        Assert.Equal(1, manager.InboundConnections); // the slot of the setup only: the faulted accept took no count
    }

    [Fact]
    public void ManagerGate_IsTheFailClosedWrapperOverTheManager()
    {
        var gate = Assert.IsType<FailClosedGate>(_harness.Manager.Gate);

        Assert.Same(_harness.Manager, gate.Inner);
        Assert.Same(gate, _harness.Manager.Gate);
    }

    private SecurityDecision Run(string stage) => stage switch
    {
        "accept" => _gate.Accept(Peer, outbound: false).Decision,
        "accept_async" => AcceptNow(),
        "secured" => _gate.Secured(_slot, TestKeys.Key(1)),
        "node" => _gate.NodeHandshake(_slot, TestKeys.Key(1), NetworkKeyAnswer.Recorded).Decision,
        "message" => _gate.Message(_slot),
        "broadcast" => _gate.Broadcast(_slot, new BroadcastMessage(new byte[BroadcastMessage.IdSize], TestKeys.Key(1), [], null, null)),
        "live" => _gate.Live(_slot),
        _ => throw new ArgumentOutOfRangeException(nameof(stage)),
    };

    [Fact]
    public async Task AcceptAsync_InnerFaultsLater_DeniesInternalError()
    {
        var late = new TaskCompletionSource<AcceptResult>();
        var gate = new FailClosedGate(new LateGate(late.Task), _log, _counted.Add);

        var pending = gate.AcceptAsync(Peer, outbound: false);
        Assert.False(pending.IsCompleted);
        late.SetException(new InvalidOperationException("reload fault"));

        Assert.Equal(DenyReason.InternalError, (await pending).Decision.Reason);
        Assert.Equal([DenyReason.InternalError], _counted);
    }

    private SecurityDecision AcceptNow()
    {
        var pending = _gate.AcceptAsync(Peer, outbound: false).AsTask();
        Assert.True(pending.IsCompletedSuccessfully);
        return pending.Result.Decision;
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>A gate whose accept completes when the test says (as one waiting for a reload does).</summary>
    private sealed class LateGate(Task<AcceptResult> result) : ISecurityGate
    {
        private readonly ThrowingGate _rest = new();

        public ValueTask<AcceptResult> AcceptAsync(IPAddress remote, bool outbound) => new(result);

        public AcceptResult Accept(IPAddress remote, bool outbound) => _rest.Accept(remote, outbound);

        public SecurityDecision Secured(ConnectionSlot slot, Core.Policy.NodeKey? key) => _rest.Secured(slot, key);

        public NodeVerdict NodeHandshake(ConnectionSlot slot, Core.Policy.NodeKey? key, in NetworkKeyAnswer answer) => _rest.NodeHandshake(slot, key, answer);

        public SecurityDecision Message(ConnectionSlot slot) => _rest.Message(slot);

        public SecurityDecision Broadcast(ConnectionSlot sender, BroadcastMessage message) => _rest.Broadcast(sender, message);

        public SecurityDecision Live(ConnectionSlot slot) => _rest.Live(slot);

        public Core.Policy.SecurityPolicy Policy => _rest.Policy;

        public bool ClientCertificateRequired => _rest.ClientCertificateRequired;

        public bool NetworkKeyProofRequired => _rest.NetworkKeyProofRequired;

        public byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, Core.Policy.NodeKey client, Core.Policy.NodeKey server) => _rest.ProveNetworkKey(challenge, client, server);

        public void ReportRefusal(IPAddress remote, Core.Policy.NodeKey? key, DenyReason reason) => _rest.ReportRefusal(remote, key, reason);

        public void ReportHandshakeTimeout(IPAddress address) => _rest.ReportHandshakeTimeout(address);

        public void ReportMessageFlood(ConnectionSlot slot) => _rest.ReportMessageFlood(slot);
    }
}
