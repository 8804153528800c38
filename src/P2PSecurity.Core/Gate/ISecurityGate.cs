using System.Net;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Gate;

/// <summary>
/// The one seam between the transport and the policy: one method per stage of a connection, each returning a
/// decision with a reason. The transport (DotNetty handlers, the dialler, the relay) depends on this interface only,
/// so its tests run against a fake gate. <see cref="SecurityManager"/> implements it; the server always calls it
/// through <see cref="FailClosedGate"/>, the one place where an exception inside a stage becomes a refusal.
/// </summary>
/// <remarks>
/// Stages, in the order a connection meets them: <see cref="Accept"/> (the address alone, before TLS),
/// <see cref="Secured"/> (TLS done, node key known), <see cref="NodeHandshake"/> (the peer's hello and network-key
/// answer read), <see cref="Message"/> and <see cref="Broadcast"/> (each message of a welcomed session), and
/// <see cref="Live"/> (the re-check of a connection already admitted, when its transport becomes ready to be evicted).
/// </remarks>
public interface ISecurityGate
{
    /// <summary>
    /// What every new connection goes through, accepted or dialled: the policy sources look for changes first (the
    /// file source: one <c>statx</c> and a comparison), then the accept stage decides. Completes at once, without an
    /// allocation, unless the file changed: then the reload runs off the caller's thread (the accept loop) and the
    /// result comes once the new policy is in force; a synchronous continuation runs on the deciding thread, in the
    /// order the connections arrived, and must do no more than hand the connection back to its own loop.
    /// </summary>
    ValueTask<AcceptResult> AcceptAsync(IPAddress remote, bool outbound);

    /// <summary>
    /// The accept stage alone (no look for changes), from the address alone. An admitted connection carries a slot that must be released exactly
    /// once, when it closes; <paramref name="outbound"/> for a connection this node dials (not counted in MAX_CONNECTIONS).
    /// </summary>
    AcceptResult Accept(IPAddress remote, bool outbound);

    /// <summary>The secured stage: TLS is done and the peer's node key is known (null: it presented no certificate).</summary>
    SecurityDecision Secured(ConnectionSlot slot, NodeKey? key);

    /// <summary>
    /// The node handshake stage: the peer's network-key answer is checked and the node judged; an allowed verdict
    /// carries the terms of the Welcome, taken from the same policy the decision read.
    /// </summary>
    NodeVerdict NodeHandshake(ConnectionSlot slot, NodeKey? key, in NetworkKeyAnswer answer);

    /// <summary>The per-message stage: the message rate of the connection's address.</summary>
    SecurityDecision Message(ConnectionSlot slot);

    /// <summary>The broadcast stage: the originator, the freshness and the signature of a broadcast a session sent.</summary>
    SecurityDecision Broadcast(ConnectionSlot sender, BroadcastMessage message);

    /// <summary>The live re-check: may this admitted connection stay under the policy, bans and lockdown in force now?</summary>
    SecurityDecision Live(ConnectionSlot slot);

    /// <summary>The policy in force, for transport settings (deadlines, frame size). Decisions never read it here.</summary>
    SecurityPolicy Policy { get; }

    /// <summary>Whether the TLS layer must refuse a peer that presents no certificate.</summary>
    bool ClientCertificateRequired { get; }

    /// <summary>Whether peers must prove they know NETWORK_SECRET_KEY (said in the ServerHello).</summary>
    bool NetworkKeyProofRequired { get; }

    /// <summary>This node's answer to a server's challenge, when it dials (null when no network key is set).</summary>
    byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server);

    /// <summary>Records a refusal the transport decided itself (a failed TLS handshake, a protocol violation).</summary>
    void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason);

    /// <summary>A connection did not finish its handshake in time (a strike for AUTO_BAN).</summary>
    void ReportHandshakeTimeout(IPAddress address);

    /// <summary>A session was closed for sending on after message-rate notices (a strike for AUTO_BAN).</summary>
    void ReportMessageFlood(ConnectionSlot slot);
}
