using Microsoft.Extensions.Logging;
using P2PSecurity.Core.Gate;
using P2PSecurity.Core.Identity;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// What the handlers of every connection share: the gate (the only way they reach the policy), this node's identity,
/// the live sessions.
/// </summary>
internal sealed class PipelineServices(
    ISecurityGate gate,
    NodeIdentity identity,
    NodeTlsFactory tls,
    SessionRegistry sessions,
    BroadcastRelay relay,
    ChannelTracker channels,
    TimeProvider time,
    ILogger<NodeServer> logger)
{
    public ISecurityGate Gate { get; } = gate;
    public NodeIdentity Identity { get; } = identity;
    public NodeTlsFactory Tls { get; } = tls;
    public SessionRegistry Sessions { get; } = sessions;
    public BroadcastRelay Relay { get; } = relay;
    public ChannelTracker Channels { get; } = channels;
    public TimeProvider Time { get; } = time;
    public ILogger Logger { get; } = logger;
}
