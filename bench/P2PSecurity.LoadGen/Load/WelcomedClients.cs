using P2PSecurity.Core.Protocol;

namespace P2PSecurity.LoadGen.Load;

/// <summary>Many welcomed node clients, opened a few at a time and kept open (message pumps, idle memory).</summary>
internal sealed class WelcomedClients : IAsyncDisposable
{
    private readonly NodeClient[] _clients;

    private WelcomedClients(NodeClient[] clients) => _clients = clients;

    public IReadOnlyList<NodeClient> Clients => _clients;

    /// <summary>Opens <paramref name="count"/> connections, <paramref name="concurrency"/> at a time; any refusal fails the lot.</summary>
    public static async Task<WelcomedClients> OpenAsync(int count, Func<long, NodeClientOptions> options, int concurrency, CancellationToken ct)
    {
        var clients = new NodeClient?[count];
        long next = -1;
        async Task OpenSomeAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var (client, result) = await NodeClient.ConnectAndHandshakeAsync(options(i), ct).ConfigureAwait(false);
                clients[i] = client;
                if (!result.Welcomed)
                {
                    throw new InvalidOperationException($"connection {i} was not welcomed: {result}");
                }
            }
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(_ => Task.Run(OpenSomeAsync, ct))).ConfigureAwait(false);
            return new WelcomedClients([.. clients.Select(c => c!)]);
        }
        catch
        {
            await CloseAsync(clients.OfType<NodeClient>()).ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync(_clients));

    private static async Task CloseAsync(IEnumerable<NodeClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }
}
