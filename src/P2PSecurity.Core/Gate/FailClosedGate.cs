using System.Net;
using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Gate;

/// <summary>
/// The one fail-closed wrapper: every stage of the inner gate runs inside it, and an exception thrown by a stage is
/// logged (<c>internal_error</c>, with the stage and the address) and becomes a refusal with
/// <see cref="DenyReason.InternalError"/>. The stages themselves hold no catch of their own.
/// </summary>
/// <remarks>
/// Nothing here allocates on the way through: the catch blocks run only on a fault, and the calls are one interface
/// dispatch each. Questions that are not decisions fail closed too: a certificate and a network-key proof are
/// required when the answer cannot be worked out, and a proof that cannot be computed is not sent.
/// </remarks>
public sealed class FailClosedGate(ISecurityGate inner, ILogger logger, Action<DenyReason>? countRefusal = null) : ISecurityGate
{
    /// <summary>The gate this one wraps (the stages).</summary>
    public ISecurityGate Inner => inner;

    public ValueTask<AcceptResult> AcceptAsync(IPAddress remote, bool outbound)
    {
        ValueTask<AcceptResult> pending;
        try
        {
            pending = inner.AcceptAsync(remote, outbound);
        }
        catch (Exception ex)
        {
            return new ValueTask<AcceptResult>(new AcceptResult(Fault(ex, "accept", remote), null));
        }
        if (pending.IsCompletedSuccessfully)
        {
            return pending;
        }
        // Waiting for a reload (rare): a fault there is a refusal too. The continuation runs synchronously on the
        // deciding thread, so the order in which waiting connections are decided is the order their results arrive.
        return new ValueTask<AcceptResult>(pending.AsTask().ContinueWith(
            static (task, state) =>
            {
                var (gate, remote) = ((FailClosedGate, IPAddress))state!;
                return task.IsCompletedSuccessfully
                    ? task.Result
                    : new AcceptResult(gate.Fault(task.Exception?.GetBaseException() ?? new TaskCanceledException(), "accept", remote), null);
            },
            (this, remote), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
    }

    public AcceptResult Accept(IPAddress remote, bool outbound)
    {
        try
        {
            return inner.Accept(remote, outbound);
        }
        catch (Exception ex)
        {
            return new AcceptResult(Fault(ex, "accept", remote), null);
        }
    }

    public SecurityDecision Secured(ConnectionSlot slot, NodeKey? key)
    {
        try
        {
            return inner.Secured(slot, key);
        }
        catch (Exception ex)
        {
            return Fault(ex, "secured", slot?.Address);
        }
    }

    public NodeVerdict NodeHandshake(ConnectionSlot slot, NodeKey? key, in NetworkKeyAnswer answer)
    {
        try
        {
            return inner.NodeHandshake(slot, key, in answer);
        }
        catch (Exception ex)
        {
            return new NodeVerdict(Fault(ex, "node", slot?.Address), default);
        }
    }

    public SecurityDecision Message(ConnectionSlot slot)
    {
        try
        {
            return inner.Message(slot);
        }
        catch (Exception ex)
        {
            return Fault(ex, "message", slot?.Address);
        }
    }

    public SecurityDecision Broadcast(ConnectionSlot sender, BroadcastMessage message)
    {
        try
        {
            return inner.Broadcast(sender, message);
        }
        catch (Exception ex)
        {
            return Fault(ex, "broadcast", sender?.Address);
        }
    }

    public SecurityDecision Live(ConnectionSlot slot)
    {
        try
        {
            return inner.Live(slot);
        }
        catch (Exception ex)
        {
            return Fault(ex, "live", slot?.Address);
        }
    }

    public SecurityPolicy Policy => inner.Policy;

    public bool ClientCertificateRequired
    {
        get
        {
            try
            {
                return inner.ClientCertificateRequired;
            }
            catch (Exception ex)
            {
                SecurityLog.InternalError(logger, ex, "certificate_required", "-");
                return true;
            }
        }
    }

    public bool NetworkKeyProofRequired
    {
        get
        {
            try
            {
                return inner.NetworkKeyProofRequired;
            }
            catch (Exception ex)
            {
                SecurityLog.InternalError(logger, ex, "proof_required", "-");
                return true;
            }
        }
    }

    public byte[]? ProveNetworkKey(ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server)
    {
        try
        {
            return inner.ProveNetworkKey(challenge, client, server);
        }
        catch (Exception ex)
        {
            // No proof: a server that requires one refuses this node, which is the closed side.
            SecurityLog.InternalError(logger, ex, "prove", "-");
            return null;
        }
    }

    public void ReportRefusal(IPAddress remote, NodeKey? key, DenyReason reason) =>
        Report(static (g, s) => g.ReportRefusal(s.remote, s.key, s.reason), (remote, key, reason), remote);

    public void ReportHandshakeTimeout(IPAddress address) =>
        Report(static (g, s) => g.ReportHandshakeTimeout(s), address, address);

    public void ReportMessageFlood(ConnectionSlot slot) =>
        Report(static (g, s) => g.ReportMessageFlood(s), slot, slot?.Address);

    /// <summary>A report is bookkeeping after the transport decided: a fault in it is logged and changes nothing.</summary>
    private void Report<T>(Action<ISecurityGate, T> report, T state, IPAddress? remote)
    {
        try
        {
            report(inner, state);
        }
        catch (Exception ex)
        {
            SecurityLog.InternalError(logger, ex, "report", remote?.ToString() ?? "-");
        }
    }

    private SecurityDecision Fault(Exception ex, string stage, IPAddress? remote)
    {
        // The fault may be the argument itself (a null address): the handler of a fault must not fault.
        var where = remote?.ToString() ?? "-";
        SecurityLog.InternalError(logger, ex, stage, where);
        try
        {
            countRefusal?.Invoke(DenyReason.InternalError);
        }
        catch (Exception countFault)
        {
            // The refusal stands whether or not it was counted.
            SecurityLog.InternalError(logger, countFault, stage + "_count", where);
        }
        return SecurityDecision.Deny(DenyReason.InternalError);
    }
}
