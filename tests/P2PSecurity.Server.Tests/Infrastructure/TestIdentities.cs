using P2PSecurity.Core.Identity;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>Node identities for tests, made in memory (an ECDSA P-256 key is quick to make).</summary>
public static class TestIdentities
{
    public static NodeIdentity Create() => NodeIdentity.Create();
}
