namespace P2PSecurity.Server.Status;

/// <summary>Where a bootstrap peer's dialer is.</summary>
public enum OutboundPeerState
{
    Connecting,
    Connected,

    /// <summary>Waiting for the backoff to pass before the next attempt.</summary>
    Waiting,
}
