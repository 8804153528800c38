using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>Deterministic node keys: key n is the SHA-256 of the 4 bytes of n, as if it were a SubjectPublicKeyInfo.</summary>
internal static class TestKeys
{
    public static NodeKey Key(int n) => NodeKey.FromSubjectPublicKeyInfo(BitConverter.GetBytes(n));

    public static string Hex(int n) => Key(n).ToString();
}
