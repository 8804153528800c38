using System.Security.Cryptography;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Stress.Wire;

/// <summary>
/// The client side of the node handshake (docs/PROTOCOL.md section 9) on any TLS stream, with the proof chosen by
/// the caller: a genuine one, a replayed one, or none. NodeClient computes its proof itself and cannot replay.
/// </summary>
public static class NodeHandshake
{
    /// <summary>Reads ServerHello, sends a ClientHello with <paramref name="proof"/>'s answer, reads Welcome or Refusal.</summary>
    public static async Task<NodeHandshakeOutcome> RunAsync(Stream tls, Func<ServerHelloMessage, byte[]?> proof, CancellationToken ct)
    {
        var first = await Frames.ReadOrNullAsync(tls, ct);
        if (first is not ServerHelloMessage hello)
        {
            return new NodeHandshakeOutcome(null, first, []);
        }
        var challenge = RandomNumberGenerator.GetBytes(ProtocolConstants.ChallengeSize);
        await tls.WriteAsync(Frames.Of(new ClientHelloMessage(ProtocolConstants.Version, challenge, proof(hello))), ct);
        await tls.FlushAsync(ct);
        return new NodeHandshakeOutcome(hello, await Frames.ReadOrNullAsync(tls, ct), challenge);
    }

    /// <summary>A genuine proof of <paramref name="secret"/> for a client whose node key is <paramref name="own"/>; null without a secret.</summary>
    public static Func<ServerHelloMessage, byte[]?> Genuine(string? secret, NodeKey own) => hello =>
        hello.NetworkKeyProofRequired && !string.IsNullOrEmpty(secret)
            ? NetworkKeyProof.Compute(secret, hello.Challenge, own, hello.ServerKey)
            : null;
}
