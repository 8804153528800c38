using System.Net;
using P2PSecurity.Core.Identity;
using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.WireFuzz;

/// <summary>What every hostile connection needs: where the server is, who to be, and how long to wait for a close.</summary>
internal sealed class HostileContext(IPEndPoint server, NodeIdentity stranger, NodeIdentity fuzzer, int maxFrameSize, TimeSpan bound)
{
    public IPEndPoint Server { get; } = server;

    /// <summary>Fresh client addresses: per-address limits must not be what stops the fuzz.</summary>
    public AddressPool Addresses { get; } = new(20);

    /// <summary>A node in no list: TLS lets it in, the node gate refuses it.</summary>
    public NodeIdentity Stranger { get; } = stranger;

    /// <summary>An allowed node that misbehaves once welcomed.</summary>
    public NodeIdentity Fuzzer { get; } = fuzzer;

    public int MaxFrameSize { get; } = maxFrameSize;

    /// <summary>Longest the server may take to close a hostile connection (HANDSHAKE_TIMEOUT plus slack).</summary>
    public TimeSpan Bound { get; } = bound;

    /// <summary>A genuine TLS ClientHello record, for truncating and corrupting.</summary>
    public byte[] TlsClientHello { get; } = RawTls.Tls13Hellos.SampleRecord();
}
