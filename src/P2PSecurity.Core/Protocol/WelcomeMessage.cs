using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// The server let the client in. Carries the client's node key as the server saw it (null when anonymous), the
/// limits in force, and the server's own network-key proof when the client asked for one.
/// </summary>
public sealed record WelcomeMessage(NodeKey? PeerKey, int MaxFrameSize, int MessageRateCount, int MessageRatePeriodSeconds, byte[]? Proof) : NodeMessage
{
    public override MessageType Type => MessageType.Welcome;
}
