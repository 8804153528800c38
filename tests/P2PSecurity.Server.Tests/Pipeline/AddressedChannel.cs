using System.Net;
using DotNetty.Transport.Channels.Embedded;

namespace P2PSecurity.Server.Tests.Pipeline;

/// <summary>An embedded channel that shows a TCP peer's address, as an accepted child does to the accept gate.</summary>
internal sealed class AddressedChannel(IPEndPoint? remote) : EmbeddedChannel
{
    protected override EndPoint? RemoteAddressInternal => Active ? remote : null;
}
