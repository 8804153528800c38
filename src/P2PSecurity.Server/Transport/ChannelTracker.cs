using System.Collections.Concurrent;
using DotNetty.Transport.Channels;

namespace P2PSecurity.Server.Transport;

/// <summary>
/// Every open connection, welcomed or still in its handshake, so that shutdown can close what goodbye did not.
/// A channel leaves the set when its close completes.
/// </summary>
internal sealed class ChannelTracker
{
    private readonly ConcurrentDictionary<IChannelId, IChannel> _channels = new();

    public int Count => _channels.Count;

    public void Add(IChannel channel)
    {
        _channels[channel.Id] = channel;
        channel.CloseCompletion.ContinueWith(
            static (task, state) =>
            {
                var (self, c) = ((ChannelTracker, IChannel))state!;
                self._channels.TryRemove(c.Id, out _);
            },
            (this, channel), TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>Closes every channel still open and waits, up to the bound, for the closes to complete.</summary>
    public async Task CloseAllAsync(TimeSpan bound)
    {
        var closing = _channels.Values.Select(c => c.CloseAsync()).ToArray();
        try
        {
            await Task.WhenAll(closing).WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Past the bound the event loops' shutdown takes the rest down.
            return;
        }
    }
}
