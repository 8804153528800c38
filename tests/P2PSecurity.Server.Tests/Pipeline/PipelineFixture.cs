using System.Net;
using DotNetty.Transport.Channels;
using DotNetty.Transport.Channels.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Pipeline;
using P2PSecurity.Server.Tests.Infrastructure;
using P2PSecurity.Server.Transport;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>
/// What a handler test needs: a <see cref="FakeGate"/>, the services the handlers share built on it, and real slots
/// (minted by a manager on an open policy: the fake gate decides, the slot only has to exist).
/// </summary>
internal sealed class PipelineFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public PipelineFixture(string policy = "")
    {
        _folder.WriteEnv(policy);
        Manager = SecurityManager.Create(_folder.EnvPath, time: Time);
        Identity = TestIdentities.Create();
        Sessions = new SessionRegistry();
        Services = new PipelineServices(Gate, Identity, new NodeTlsFactory(Identity, Gate), Sessions, new BroadcastRelay(Sessions, Gate, Time),
            new ChannelTracker(), Time, NullLogger<NodeServer>.Instance);
    }

    public FakeGate Gate { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    /// <summary>The manager that mints slots (and can evict them, e.g. by a lockdown).</summary>
    public SecurityManager Manager { get; }

    public NodeIdentity Identity { get; }

    public SessionRegistry Sessions { get; }

    public PipelineServices Services { get; }

    public ConnectionSlot NewSlot(string address = "127.0.0.20") => Manager.EvaluateAccept(IPAddress.Parse(address)).Slot!;

    /// <summary>
    /// A channel with the handshake part of the pipeline as the initializers build it (a handshake timeout named as
    /// in production, then <paramref name="handshake"/>), so that the switch to the session can remove both.
    /// </summary>
    public EmbeddedChannel HandshakeChannel(IChannelHandler handshake)
    {
        var channel = new EmbeddedChannel();
        channel.Pipeline
            .AddLast(PipelineNames.HandshakeTimeout, new HandshakeTimeoutHandler(TimeSpan.FromMinutes(1), null, Time))
            .AddLast(PipelineNames.Handshake, handshake);
        return channel;
    }

    public void Dispose()
    {
        Manager.Dispose();
        Identity.Dispose();
        _folder.Dispose();
    }
}
