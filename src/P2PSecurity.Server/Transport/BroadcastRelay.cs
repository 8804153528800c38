using DotNetty.Buffers;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// Relays a broadcast from one session to every other welcomed session exactly once. Order: a copy already seen is
/// dropped silently; then the manager's broadcast gate (origin blocked, signing rules); only a message that passed
/// is recorded as seen, so a forged copy sent first cannot suppress the genuine one. Ids are remembered for
/// BROADCAST_MAX_AGE plus the clock skew: by then a replayed copy fails the manager's freshness check.
/// </summary>
internal sealed class BroadcastRelay(SessionRegistry sessions, ISecurityGate gate, TimeProvider time)
{
    private readonly SeenBroadcasts _seen = new();
    private long _relayed;
    private long _refusedFull;
    private long _skippedUnwritable;

    /// <summary>Deliveries made (one per receiving session).</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    /// <summary>Deliveries skipped because the receiver was not reading fast enough.</summary>
    public long SkippedUnwritable => Interlocked.Read(ref _skippedUnwritable);

    /// <summary>Broadcasts refused because every remembered id was still within its window (see <see cref="SeenBroadcasts"/>).</summary>
    public long RefusedSeenFull => Interlocked.Read(ref _refusedFull);

    /// <summary>Handles a broadcast that arrived on <paramref name="from"/>; returns the refusal, if any, to tell the sender.</summary>
    public SecurityDecision Relay(NodeSession from, BroadcastMessage message)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_seen.Contains(message.Id, nowMs))
        {
            return SecurityDecision.Allow; // a second copy through another path: normal in a mesh
        }
        var decision = gate.Broadcast(from.Slot, message);
        if (!decision.Allowed)
        {
            return decision;
        }
        var keepMs = (long)(gate.Policy.BroadcastMaxAge + SecurityManager.BroadcastFutureSkew).TotalMilliseconds;
        switch (_seen.TryAdd(message.Id, nowMs, keepMs))
        {
            case SeenResult.Duplicate:
                return SecurityDecision.Allow; // another copy won the race
            case SeenResult.Full:
                // Forgetting an id early would let it be replayed: refuse, and tell the sender to slow down.
                Interlocked.Increment(ref _refusedFull);
                return SecurityDecision.Deny(DenyReason.MessageRateExceeded);
        }
        // Encoded once; every receiver gets a wrapper over the same bytes, the signature untouched.
        var body = MessageCodec.Encode(message);
        foreach (var session in sessions.Sessions)
        {
            if (ReferenceEquals(session, from) || session.NodeKey == message.Origin)
            {
                continue;
            }
            var channel = session.Channel;
            if (!channel.IsWritable)
            {
                // A receiver that does not read loses broadcasts instead of growing this server's memory.
                Interlocked.Increment(ref _skippedUnwritable);
                continue;
            }
            channel.WriteAndFlushAsync(Unpooled.WrappedBuffer(body));
            Interlocked.Increment(ref _relayed);
        }
        return SecurityDecision.Allow;
    }
}
