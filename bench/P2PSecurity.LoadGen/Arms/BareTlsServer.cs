using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using DotNetty.Codecs;
using DotNetty.Handlers.Tls;
using DotNetty.Transport.Channels;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Server.Pipeline;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// Baseline of the handshake and memory figures: the node server's TLS pipeline with no policy. The same
/// listener settings and event loops, the same TLS 1.3 handler and <see cref="SslStream"/> options (client
/// certificate asked for, no chain building against the system store), the same framing and message codec, and
/// the same messages on the wire (ServerHello, ClientHello, Welcome, then Ping/Pong). Left out is everything the
/// gate adds: the accept gate and its slot, the handshake timeout, eviction, the node key and node gate, the
/// network-key proof, the session registry and the security log.
/// </summary>
internal sealed class BareTlsServer : IBenchServer
{
    private readonly BareListener _listener = new();
    private readonly NodeIdentity _identity;
    private readonly SslStreamCertificateContext _certificate;
    private readonly ServerTlsSettings _settings;
    private readonly BareNodeHandler.Counters _counters = new();

    private BareTlsServer(NodeIdentity identity)
    {
        _identity = identity;
        _certificate = SslStreamCertificateContext.Create(identity.Certificate, null, offline: true);
        _settings = new ServerTlsSettings(identity.Certificate, true, false, SslProtocols.Tls13);
    }

    public IPEndPoint EndPoint => _listener.EndPoint;

    public ArmCounters Counters => new(0, 0, _counters.Welcomed, _counters.Sessions);

    public static async Task<BareTlsServer> StartAsync(string identityFile)
    {
        var server = new BareTlsServer(NodeIdentity.LoadOrCreate(identityFile, out _));
        await server._listener.StartAsync(b => b.ChildHandler(new ActionChannelInitializer<IChannel>(server.InitChannel))).ConfigureAwait(false);
        return server;
    }

    private void InitChannel(IChannel channel) => channel.Pipeline
        .AddLast(new TlsHandler(stream => new NodeSslStream(stream, TlsOptions()), _settings))
        .AddLast(new FrameDecoder(() => SecurityPolicy.Defaults.MaxFrameSize, () => SecurityPolicy.Defaults.FrameTimeout))
        .AddLast(new LengthFieldPrepender(ProtocolConstants.LengthPrefixSize))
        .AddLast(new MessageCodecHandler())
        .AddLast(new BareNodeHandler(_identity.NodeKey, _counters));

    // As NodeTlsFactory's, except the validation callback: any certificate passes, and none is what a bare
    // mutual-TLS server must still refuse.
    private SslServerAuthenticationOptions TlsOptions() => new()
    {
        ServerCertificateContext = _certificate,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CertificateChainPolicy = NodeCertificates.IsolatedChainPolicy(),
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
    };

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync().ConfigureAwait(false);
        _identity.Dispose();
    }
}
