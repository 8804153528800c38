using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    /// <summary>
    /// The gate for a broadcast a session sent (after the message rate gate): the sender must have a node key, the
    /// originator must not be blocked (nor, in whitelist mode, unlisted), and with ENABLE_MESSAGE_SIGNING or
    /// REJECT_UNSIGNED_MESSAGES a signature must verify against the originator's key; REJECT_UNSIGNED_MESSAGES also
    /// drops unsigned ones.
    /// </summary>
    /// <remarks>
    /// An unsigned broadcast's origin is only a claim: with signing off, a relay could name any originator. That is
    /// what signing is for; the origin block list is applied to the claim either way.
    /// </remarks>
    public SecurityDecision EvaluateBroadcast(ConnectionSlot sender, BroadcastMessage message) => Gate.Broadcast(sender, message);

    private SecurityDecision BroadcastStage(ConnectionSlot sender, BroadcastMessage message)
    {
        var policy = View.File;
        var reason = DecideBroadcast(policy, sender, message);
        return reason == DenyReason.None
            ? SecurityDecision.Allow
            : Refuse(policy, sender.Address, sender.NodeKey, reason).Decision;
    }

    private DenyReason DecideBroadcast(Policy.SecurityPolicy policy, ConnectionSlot sender, BroadcastMessage message)
    {
        if (!policy.Enabled)
        {
            return DenyReason.None;
        }
        if (sender.NodeKey is null)
        {
            return DenyReason.AuthenticationRequired;
        }
        if (IsOriginBlocked(policy, message.Origin))
        {
            return DenyReason.OriginBlocked;
        }
        // Freshness before the signature: it is cheap, and a stale copy is dropped whether or not it is genuine.
        if (!IsFresh(policy, message.TimestampMs))
        {
            return DenyReason.BroadcastExpired;
        }
        // Signatures are checked when this node signs or insists on signatures. A signature that does not verify
        // is a forgery and is never relayed; an unsigned message only when REJECT_UNSIGNED_MESSAGES says so.
        if (policy.EnableMessageSigning || policy.RejectUnsignedMessages)
        {
            switch (BroadcastSigning.Verify(message))
            {
                case SignatureCheck.Invalid:
                    return DenyReason.MessageSignatureInvalid;
                case SignatureCheck.NotSigned when policy.RejectUnsignedMessages:
                    return DenyReason.MessageUnsigned;
            }
        }
        return DenyReason.None;
    }

    /// <summary>How far ahead of this node's clock a broadcast's timestamp may be (clock skew between nodes).</summary>
    public static readonly TimeSpan BroadcastFutureSkew = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A version 2 broadcast is fresh when its timestamp is within BROADCAST_MAX_AGE of now, at most
    /// <see cref="BroadcastFutureSkew"/> ahead, and not from before this node started: the ids this node remembers
    /// start empty at start, so an older broadcast may be one it relayed before a restart. A version 1 broadcast has
    /// no timestamp to judge; it is read only while REJECT_UNSIGNED_MESSAGES is off.
    /// </summary>
    private bool IsFresh(Policy.SecurityPolicy policy, long? timestampMs)
    {
        if (timestampMs is not { } ms)
        {
            return !policy.RejectUnsignedMessages;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return ms <= now + (long)BroadcastFutureSkew.TotalMilliseconds
            && ms >= now - (long)policy.BroadcastMaxAge.TotalMilliseconds
            && ms >= StartedAt.ToUnixTimeMilliseconds();
    }
}
