using System.Net;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The manager as the gate seam (<see cref="ISecurityGate"/>): each stage maps to the method that decides it. The
/// members are explicit, so that the stages are reached through <see cref="Gate"/>, which wraps them fail-closed;
/// the public <c>Evaluate*</c> methods go through it too.
/// </summary>
public sealed partial class SecurityManager : ISecurityGate
{
    private FailClosedGate? _failClosed;

    /// <summary>The gate the transport uses: these stages inside the fail-closed wrapper (one instance, made on first use).</summary>
    public ISecurityGate Gate => Volatile.Read(ref _failClosed) ?? MakeGate();

    private FailClosedGate MakeGate()
    {
        Interlocked.CompareExchange(ref _failClosed, new FailClosedGate(this, _logger, CountRefusal), null);
        return _failClosed!;
    }

    ValueTask<AcceptResult> ISecurityGate.AcceptAsync(IPAddress remote, bool outbound)
    {
        if (_inMemory)
        {
            return new ValueTask<AcceptResult>(AcceptStage(remote, outbound));
        }
        if (outbound)
        {
            // A dialler is not on the accept loop: its check may reload inline.
            CheckConfigReload();
            return new ValueTask<AcceptResult>(AcceptStage(remote, outbound: true));
        }
        return OnNewConnectionAsync(remote);
    }

    AcceptResult ISecurityGate.Accept(IPAddress remote, bool outbound) => AcceptStage(remote, outbound);

    SecurityDecision ISecurityGate.Secured(ConnectionSlot slot, NodeKey? key) => SecuredStage(slot, key);

    NodeVerdict ISecurityGate.NodeHandshake(ConnectionSlot slot, NodeKey? key, in NetworkKeyAnswer answer) => NodeStage(slot, key, in answer);

    SecurityDecision ISecurityGate.Message(ConnectionSlot slot) => MessageStage(slot);

    SecurityDecision ISecurityGate.Broadcast(ConnectionSlot sender, BroadcastMessage message) => BroadcastStage(sender, message);

    SecurityDecision ISecurityGate.Live(ConnectionSlot slot) => LiveStage(slot);

    byte[]? ISecurityGate.ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server) => ProveNetworkKey(challenge, client, server);
}
