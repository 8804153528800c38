using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Status;

/// <summary>The dialer's record of one bootstrap peer; written by the dialer, read by status.</summary>
internal sealed class OutboundPeerTracker(BootstrapPeer peer)
{
    private readonly Lock _lock = new();
    private OutboundPeerInfo _info = new(peer.ToString(), peer.PinnedKey, OutboundPeerState.Connecting, null, null, null, 0);

    public BootstrapPeer Peer { get; } = peer;

    public OutboundPeerInfo Snapshot()
    {
        lock (_lock)
        {
            return _info;
        }
    }

    public void Connecting()
    {
        lock (_lock)
        {
            _info = _info with { State = OutboundPeerState.Connecting, NextAttemptAt = null, Attempts = _info.Attempts + 1 };
        }
    }

    public void Connected(NodeKey key)
    {
        lock (_lock)
        {
            _info = _info with { State = OutboundPeerState.Connected, ConnectedKey = key, LastError = null };
        }
    }

    public void Waiting(string? error, DateTimeOffset next)
    {
        lock (_lock)
        {
            _info = _info with { State = OutboundPeerState.Waiting, ConnectedKey = null, LastError = error ?? _info.LastError, NextAttemptAt = next };
        }
    }
}
