using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Gate;

/// <summary>
/// What the node handshake stage needs to check a peer's network-key answer: the challenge this node sent, the peer's
/// answer, both node keys, and the peer's own challenge to answer in the Welcome (empty when this node dialled).
/// <c>default</c> (<see cref="Recorded"/>) means the caller checked the answer already and recorded it on the slot.
/// </summary>
public readonly ref struct NetworkKeyAnswer(ReadOnlySpan<byte> challenge, ReadOnlySpan<byte> answer, NodeKey client, NodeKey server, ReadOnlySpan<byte> peerChallenge)
{
    public ReadOnlySpan<byte> Challenge { get; } = challenge;

    public ReadOnlySpan<byte> Answer { get; } = answer;

    public NodeKey Client { get; } = client;

    public NodeKey Server { get; } = server;

    public ReadOnlySpan<byte> PeerChallenge { get; } = peerChallenge;

    /// <summary>False for <see cref="Recorded"/>: there is no answer to check.</summary>
    public bool Present { get; } = true;

    /// <summary>No answer to check: the proof already recorded on the slot counts.</summary>
    public static NetworkKeyAnswer Recorded => default;
}
