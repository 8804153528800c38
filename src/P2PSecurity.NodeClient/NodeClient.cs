using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Protocol;

/// <summary>
/// A node client over a plain socket and <see cref="SslStream"/>: TLS 1.3 with the node's certificate, the node
/// handshake, then messages. One implementation of the client side of docs/PROTOCOL.md for tests, benchmarks and
/// tools. Sends may come from several tasks; receives from one at a time.
/// </summary>
public sealed class NodeClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream _tls;
    private readonly NodeClientOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private NodeClient(Socket socket, SslStream tls, NodeClientOptions options, NodeKey serverKey)
    {
        _socket = socket;
        _tls = tls;
        _options = options;
        ServerKey = serverKey;
    }

    /// <summary>The server's node key, from its TLS certificate.</summary>
    public NodeKey ServerKey { get; }

    /// <summary>The Welcome, once the handshake succeeded.</summary>
    public WelcomeMessage? Welcome { get; private set; }

    /// <summary>The server's hello, once received.</summary>
    public ServerHelloMessage? ServerHello { get; private set; }

    public System.Net.IPEndPoint? LocalEndPoint => _socket.LocalEndPoint as System.Net.IPEndPoint;

    /// <summary>Connects and completes TLS (not the node handshake: see <see cref="HandshakeAsync"/>).</summary>
    public static async Task<NodeClient> ConnectAsync(NodeClientOptions options, CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(options.Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? tls = null;
        try
        {
            if (options.LocalAddress is not null)
            {
                socket.Bind(new System.Net.IPEndPoint(options.LocalAddress, 0));
            }
            await socket.ConnectAsync(options.Server, timeout.Token).ConfigureAwait(false);
            tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(TlsOptions(options), timeout.Token).ConfigureAwait(false);
            var serverKey = NodeCertificates.NodeKeyOf(tls.RemoteCertificate!);
            return new NodeClient(socket, tls, options, serverKey);
        }
        catch
        {
            if (tls is not null)
            {
                await tls.DisposeAsync().ConfigureAwait(false);
            }
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects, completes TLS and the node handshake.</summary>
    public static async Task<(NodeClient Client, HandshakeResult Result)> ConnectAndHandshakeAsync(NodeClientOptions options, CancellationToken ct = default)
    {
        var client = await ConnectAsync(options, ct).ConfigureAwait(false);
        try
        {
            return (client, await client.HandshakeAsync(ct).ConfigureAwait(false));
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The node handshake: reads the server's hello, answers with a challenge of its own and, when required, the
    /// network-key proof; reads the Welcome or Refusal and checks the server's proof when it gave one.
    /// </summary>
    public async Task<HandshakeResult> HandshakeAsync(CancellationToken ct = default)
    {
        var first = await ReceiveAsync(ct).ConfigureAwait(false);
        if (first is RefusalMessage early)
        {
            return new HandshakeResult(null, early, null);
        }
        if (first is not ServerHelloMessage hello)
        {
            return new HandshakeResult(null, null, first is null ? "connection closed before the server's hello" : $"expected ServerHello, got {first.Type}");
        }
        ServerHello = hello;
        if (hello.ServerKey != ServerKey)
        {
            return new HandshakeResult(null, null, "the server's hello names a node key other than its TLS certificate's");
        }
        if (_options.ExpectedServerKey is { } expected && expected != ServerKey)
        {
            return new HandshakeResult(null, null, $"the server's node key {ServerKey.ToShortString()} is not the expected {expected.ToShortString()}");
        }
        var ownKey = _options.Identity?.NodeKey ?? default;
        var secret = _options.NetworkSecret;
        byte[]? proof = hello.NetworkKeyProofRequired && !string.IsNullOrEmpty(secret)
            ? NetworkKeyProof.Compute(secret, hello.Challenge, ownKey, ServerKey)
            : null;
        var challenge = RandomNumberGenerator.GetBytes(ProtocolConstants.ChallengeSize);
        await SendAsync(new ClientHelloMessage(ProtocolConstants.Version, challenge, proof), ct).ConfigureAwait(false);
        var answer = await ReceiveAsync(ct).ConfigureAwait(false);
        switch (answer)
        {
            case RefusalMessage refusal:
                return new HandshakeResult(null, refusal, null);
            case WelcomeMessage welcome:
                if (!string.IsNullOrEmpty(secret) &&
                    (welcome.Proof is null || !NetworkKeyProof.Verify(secret, challenge, ownKey, ServerKey, welcome.Proof)))
                {
                    return new HandshakeResult(null, null, "the server did not prove that it knows the network key");
                }
                Welcome = welcome;
                return new HandshakeResult(welcome, null, null);
            case null:
                return new HandshakeResult(null, null, "connection closed before Welcome or Refusal");
            default:
                return new HandshakeResult(null, null, $"expected Welcome or Refusal, got {answer.Type}");
        }
    }

    public Task SendAsync(NodeMessage message, CancellationToken ct = default) => SendRawAsync(MessageCodec.EncodeFrame(message), ct);

    /// <summary>Writes bytes as they are (for tests of hostile input: bad lengths, garbage).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _tls.WriteAsync(bytes, ct).ConfigureAwait(false);
            await _tls.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next message, or null when the server closed the connection (cleanly or by reset).</summary>
    public async Task<NodeMessage?> ReceiveAsync(CancellationToken ct = default)
    {
        byte[]? body;
        try
        {
            body = await FrameIO.ReadFrameAsync(_tls, _options.MaxFrameSize, ct).ConfigureAwait(false);
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // A reset or a TLS stream cut without close_notify: the server closed the connection.
            return null;
        }
        if (body is null)
        {
            return null;
        }
        return MessageCodec.TryDecode(body, out var message, out var error)
            ? message
            : throw new InvalidDataException("server sent a bad frame: " + error);
    }

    /// <summary>Says goodbye (best effort) and closes.</summary>
    public async Task GoodbyeAsync(CancellationToken ct = default)
    {
        try
        {
            await SendAsync(new GoodbyeMessage(GoodbyeReason.Leaving, "bye"), ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Already closed by the server: nothing left to say goodbye to.
            return;
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _writeLock.Dispose();
    }

    private static SslClientAuthenticationOptions TlsOptions(NodeClientOptions options) => new()
    {
        TargetHost = ProtocolConstants.TlsServerName,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
        // Send our certificate whatever CA names the server lists: nodes are self-signed.
        ClientCertificateContext = options.Identity is null ? null : SslStreamCertificateContext.Create(options.Identity.Certificate, null, offline: true),
        // Self-signed server certificates are expected; the node key decides, in the handshake. A server must
        // present some certificate, though: no certificate means no node key.
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
    };
}
