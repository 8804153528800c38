using System.Net;
using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>What the attacks share: a server running on the cast's policy, its secret, fresh client addresses.</summary>
internal sealed class ImpersonationContext(ServerUnderTest server, ImpersonationCast cast, string secret)
{
    public ServerUnderTest Server { get; } = server;

    public ImpersonationCast Cast { get; } = cast;

    public string Secret { get; } = secret;

    /// <summary>Client addresses; each attempt uses a new one so that per-address limits never decide.</summary>
    public AddressPool Addresses { get; } = new(90);

    public IPEndPoint EndPoint => Server.EndPoint;

    /// <summary>Bound on every step of an attempt.</summary>
    public TimeSpan StepTimeout { get; } = TimeSpan.FromSeconds(10);
}
