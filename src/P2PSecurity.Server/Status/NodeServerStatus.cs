using System.Collections.Concurrent;
using System.Net;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Status;

/// <summary>
/// What the running node server can say about itself, for the control channel's <c>status</c> and for tests:
/// where it listens, its node key, the live sessions and the bootstrap peers. Registered as a singleton.
/// </summary>
public sealed class NodeServerStatus : IServerStatusSource
{
    private readonly SessionRegistry _sessions;
    private readonly ConcurrentDictionary<string, OutboundPeerTracker> _outbound = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<IPEndPoint> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal NodeServerStatus(SessionRegistry sessions, NodeIdentity identity)
    {
        _sessions = sessions;
        NodeKey = identity.NodeKey;
        IdentityPath = identity.Path;
    }

    /// <summary>This node's key (SHA-256 of its certificate's SubjectPublicKeyInfo).</summary>
    public NodeKey NodeKey { get; }

    /// <summary>The profile the server was started with, or null.</summary>
    public string? Profile { get; init; }

    /// <summary>The identity file, or null for an identity made in memory.</summary>
    public string? IdentityPath { get; }

    /// <summary>The bound address and port, once listening.</summary>
    public IPEndPoint? ListenEndPoint => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : null;

    /// <summary>Completes with the bound address when the listener is up.</summary>
    public Task<IPEndPoint> Listening => _listening.Task;

    /// <summary>Welcomed sessions now, inbound and outbound.</summary>
    public IReadOnlyList<SessionInfo> Sessions =>
        [.. _sessions.Sessions.Select(s => new SessionInfo(s.Id, s.NodeKey, s.RemoteEndPoint, s.Since, s.Outbound))];

    /// <summary>BOOTSTRAP_ADDRESSES and how each is doing.</summary>
    public IReadOnlyList<OutboundPeerInfo> OutboundPeers => [.. _outbound.Values.Select(t => t.Snapshot()).OrderBy(p => p.Address, StringComparer.Ordinal)];

    string? IServerStatusSource.ListenEndpoint => ListenEndPoint?.ToString();

    string? IServerStatusSource.NodeKey => NodeKey.ToString();

    string? IServerStatusSource.Profile => Profile;

    internal void SetListening(IPEndPoint endPoint) => _listening.TrySetResult(endPoint);

    internal void SetListenFailed(Exception error) => _listening.TrySetException(error);

    internal void Track(OutboundPeerTracker tracker) => _outbound[tracker.Peer.ToString()] = tracker;
}
