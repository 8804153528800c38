using System.Net;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Gate;

/// <summary>A gate whose every member throws, to show what the fail-closed wrapper makes of a fault.</summary>
internal sealed class ThrowingGate : ISecurityGate
{
    public int Calls { get; private set; }

    public SecurityPolicy Policy => SecurityPolicy.Defaults;

    public bool ClientCertificateRequired => Throw<bool>();

    public bool NetworkKeyProofRequired => Throw<bool>();

    public ValueTask<AcceptResult> AcceptAsync(IPAddress remote, bool outbound) => Throw<ValueTask<AcceptResult>>();

    public AcceptResult Accept(IPAddress remote, bool outbound) => Throw<AcceptResult>();

    public SecurityDecision Secured(ConnectionSlot slot, NodeKey? key) => Throw<SecurityDecision>();

    public NodeVerdict NodeHandshake(ConnectionSlot slot, NodeKey? key, in NetworkKeyAnswer answer) => Throw<NodeVerdict>();

    public SecurityDecision Message(ConnectionSlot slot) => Throw<SecurityDecision>();

    public SecurityDecision Broadcast(ConnectionSlot sender, BroadcastMessage message) => Throw<SecurityDecision>();

    public SecurityDecision Live(ConnectionSlot slot) => Throw<SecurityDecision>();

    public byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server) => Throw<byte[]>();

    public void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason) => Throw<int>();

    public void ReportHandshakeTimeout(IPAddress address) => Throw<int>();

    public void ReportMessageFlood(ConnectionSlot slot) => Throw<int>();

    private T Throw<T>()
    {
        Calls++;
        throw new InvalidOperationException("stage fault for the test");
    }
}
