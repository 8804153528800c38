using P2PSecurity.Core.Protocol;

namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// The handshake operation: connect, mutual TLS 1.3, the node handshake to its Welcome, then close. Anything but a
/// Welcome fails.
/// </summary>
internal sealed class HandshakeConnect(Func<long, NodeClientOptions> options)
{
    public async Task RunAsync(int worker, long n, CancellationToken ct)
    {
        var (client, result) = await NodeClient.ConnectAndHandshakeAsync(options((worker * 7919L) + n), ct).ConfigureAwait(false);
        await using (client.ConfigureAwait(false))
        {
            if (!result.Welcomed)
            {
                throw new InvalidOperationException("not welcomed: " + result);
            }
        }
    }
}
