using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// Proof that a peer knows NETWORK_SECRET_KEY without sending it: HMAC-SHA256 keyed with the secret over a fresh
/// 32-byte server challenge and both node keys. The challenge is new for every connection and the answer is bound
/// to both identities, so an answer captured from one session is worthless in any other.
/// </summary>
public static class NetworkKeyProof
{
    public const int ChallengeSize = 32;
    public const int ProofSize = 32;
    private static readonly byte[] Label = "p2psecurity network-key proof v1"u8.ToArray();

    public static byte[] NewChallenge() => RandomNumberGenerator.GetBytes(ChallengeSize);

    public static byte[] Compute(string secret, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server)
    {
        var data = new byte[Label.Length + challenge.Length + 64];
        Label.CopyTo(data, 0);
        challenge.CopyTo(data.AsSpan(Label.Length));
        client.WriteBytes(data.AsSpan(Label.Length + challenge.Length));
        server.WriteBytes(data.AsSpan(Label.Length + challenge.Length + 32));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data);
    }

    /// <summary>Constant-time check of an answer.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> challenge, NodeKey client, NodeKey server, ReadOnlySpan<byte> answer) =>
        answer.Length == ProofSize && challenge.Length == ChallengeSize &&
        CryptographicOperations.FixedTimeEquals(Compute(secret, challenge, client, server), answer);
}
