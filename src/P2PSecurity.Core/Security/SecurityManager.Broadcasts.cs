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
    public SecurityDecision EvaluateBroadcast(ConnectionSlot sender, BroadcastMessage message)
    {
        var policy = Policy;
        try
        {
            var reason = DecideBroadcast(policy, sender, message);
            return reason == DenyReason.None
                ? SecurityDecision.Allow
                : Refuse(sender.Address, sender.NodeKey, reason).Decision;
        }
        catch (Exception ex)
        {
            SecurityLog.InternalError(_logger, ex, "broadcast", sender.Address.ToString());
            CountRefusal(DenyReason.InternalError);
            return SecurityDecision.Deny(DenyReason.InternalError);
        }
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
        if (IsOriginBlocked(message.Origin))
        {
            return DenyReason.OriginBlocked;
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
}
