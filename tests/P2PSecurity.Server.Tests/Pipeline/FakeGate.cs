using System.Net;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// A gate that answers what the test sets and records what the handlers asked, so that a handler is tested on its
/// own job (turning channel events into gate calls and gate answers into frames and closes), not on the policy.
/// Every stage allows until told otherwise, except the accept stage, which admits only what <see cref="OnAccept"/> admits.
/// </summary>
internal sealed class FakeGate : ISecurityGate
{
    public List<string> Calls { get; } = [];

    public List<(IPAddress Remote, NodeKey? Key, DenyReason Reason)> Reported { get; } = [];

    public Func<IPAddress, bool, AcceptResult> OnAccept { get; set; } = (_, _) => default;

    public SecurityDecision SecuredDecision { get; set; } = SecurityDecision.Allow;

    public NodeVerdict NodeVerdict { get; set; } = new(SecurityDecision.Allow, new WelcomeTerms(4096, 7, 60, null));

    public SecurityDecision MessageDecision { get; set; } = SecurityDecision.Allow;

    public SecurityDecision BroadcastDecision { get; set; } = SecurityDecision.Allow;

    public SecurityDecision LiveDecision { get; set; } = SecurityDecision.Allow;

    public byte[]? Proof { get; set; }

    /// <summary>The answer the last node handshake was given (challenge, proof), copied out of the spans.</summary>
    public (byte[] Challenge, byte[] Answer, byte[] PeerChallenge)? LastAnswer { get; private set; }

    public SecurityPolicy Policy { get; set; } = SecurityPolicy.Defaults;

    public bool ClientCertificateRequired { get; set; }

    public bool NetworkKeyProofRequired { get; set; }

    /// <summary>When set, <see cref="AcceptAsync"/> waits for this instead of answering at once (a reload in progress).</summary>
    public Task<AcceptResult>? Pending { get; set; }

    public ValueTask<AcceptResult> AcceptAsync(IPAddress remote, bool outbound)
    {
        Calls.Add(outbound ? "dial_async" : "accept_async");
        return Pending is { } pending ? new ValueTask<AcceptResult>(pending) : new ValueTask<AcceptResult>(OnAccept(remote, outbound));
    }

    public AcceptResult Accept(IPAddress remote, bool outbound)
    {
        Calls.Add(outbound ? "dial" : "accept");
        return OnAccept(remote, outbound);
    }

    public SecurityDecision Secured(ConnectionSlot slot, NodeKey? key)
    {
        Calls.Add("secured");
        return SecuredDecision;
    }

    public NodeVerdict NodeHandshake(ConnectionSlot slot, NodeKey? key, in NetworkKeyAnswer answer)
    {
        Calls.Add("node");
        LastAnswer = (answer.Challenge.ToArray(), answer.Answer.ToArray(), answer.PeerChallenge.ToArray());
        return NodeVerdict;
    }

    public SecurityDecision Message(ConnectionSlot slot)
    {
        Calls.Add("message");
        return MessageDecision;
    }

    public SecurityDecision Broadcast(ConnectionSlot sender, BroadcastMessage message)
    {
        Calls.Add("broadcast");
        return BroadcastDecision;
    }

    public SecurityDecision Live(ConnectionSlot slot)
    {
        Calls.Add("live");
        return LiveDecision;
    }

    public byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server) => Proof;

    public void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason) => Reported.Add((remote, key, reason));

    public void ReportHandshakeTimeout(IPAddress address) => Calls.Add("timeout");

    public void ReportMessageFlood(ConnectionSlot slot) => Calls.Add("flood");
}
