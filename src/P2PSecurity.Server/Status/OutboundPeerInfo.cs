using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Status;

/// <summary>One BOOTSTRAP_ADDRESSES entry and how dialling it goes, for status.</summary>
public sealed record OutboundPeerInfo(
    string Address,
    NodeKey? PinnedKey,
    OutboundPeerState State,
    NodeKey? ConnectedKey,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    int Attempts);
