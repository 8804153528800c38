using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>Receiving with a bound, so a missing message fails the test instead of hanging it.</summary>
public static class ClientExtensions
{
    public static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The next message (null when the server closed the connection), failing the test after the timeout.</summary>
    public static async Task<NodeMessage?> ReceiveWithinAsync(this NodeClient client, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? ReceiveTimeout);
        try
        {
            return await client.ReceiveAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"no message within {(timeout ?? ReceiveTimeout).TotalSeconds:0.#} s");
            throw;
        }
    }

    /// <summary>The next message, which must be a <typeparamref name="T"/>.</summary>
    public static async Task<T> ReceiveAsync<T>(this NodeClient client, TimeSpan? timeout = null) where T : NodeMessage
    {
        var message = await client.ReceiveWithinAsync(timeout);
        return Assert.IsType<T>(message);
    }

    /// <summary>Waits for the server to close the connection, skipping messages; returns them.</summary>
    public static async Task<List<NodeMessage>> ReceiveUntilClosedAsync(this NodeClient client, TimeSpan? timeout = null)
    {
        var messages = new List<NodeMessage>();
        while (await client.ReceiveWithinAsync(timeout) is { } message)
        {
            messages.Add(message);
        }
        return messages;
    }
}
