using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Protocol;

/// <summary>How a <see cref="NodeClient"/> connects.</summary>
public sealed class NodeClientOptions
{
    public required IPEndPoint Server { get; init; }

    /// <summary>The local address to connect from (any 127.x.y.z is a distinct client on loopback).</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>The identity presented as the TLS client certificate; null connects without one.</summary>
    public NodeIdentity? Identity { get; init; }

    /// <summary>NETWORK_SECRET_KEY, to answer the server's challenge and check the server's answer.</summary>
    public string? NetworkSecret { get; init; }

    /// <summary>When set, the handshake fails unless the server's node key is this one.</summary>
    public NodeKey? ExpectedServerKey { get; init; }

    /// <summary>Bound on connecting and on the TLS handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest frame accepted from the server; a larger declared length fails the read.</summary>
    public int MaxFrameSize { get; init; } = 64 * 1024 * 1024;
}
