using System.Buffers.Binary;
using System.Security.Cryptography;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Stress.HeldLoad;

/// <summary>
/// One authenticated connection held open: reads everything the server sends (pongs, relayed broadcasts, notices)
/// into the ledger, and pings on a schedule. A close the harness did not ask for is counted as lost.
/// </summary>
internal sealed class HeldConnection(NodeClient client, NodeKey key, HeldLedger ledger)
{
    private volatile bool _leaving;

    public NodeKey Key { get; } = key;

    public Task ReceiveLoop { get; private set; } = Task.CompletedTask;

    public void StartReceiving() => ReceiveLoop = Task.Run(ReceiveAsync);

    /// <summary>Pings every <paramref name="interval"/>, starting at a random phase, until <paramref name="stop"/>.</summary>
    public async Task PingLoopAsync(TimeSpan interval, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * interval.TotalMilliseconds), stop);
            using var timer = new PeriodicTimer(interval);
            do
            {
                var id = ledger.NewPing();
                var data = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(data, id);
                if (!await TrySendAsync(new PingMessage(data)))
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
            // The hold is over.
            return;
        }
    }

    /// <summary>Sends a broadcast with a fresh id; the ledger expects <paramref name="receivers"/> relays of it.</summary>
    public async Task BroadcastAsync(int receivers)
    {
        var id = RandomNumberGenerator.GetBytes(BroadcastMessage.IdSize);
        ledger.BroadcastSent(BinaryPrimitives.ReadUInt128BigEndian(id), receivers);
        await TrySendAsync(new BroadcastMessage(id, Key, RandomNumberGenerator.GetBytes(64), null, null));
    }

    /// <summary>Says goodbye and closes; the close that follows is not counted as lost.</summary>
    public async Task LeaveAsync()
    {
        _leaving = true;
        await client.GoodbyeAsync();
        await ReceiveLoop;
    }

    private async Task<bool> TrySendAsync(NodeMessage message)
    {
        try
        {
            await client.SendAsync(message);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            if (!_leaving)
            {
                ledger.SendFailed($"{message.Type}: {ex.Message}");
            }
            return false;
        }
    }

    private async Task ReceiveAsync()
    {
        try
        {
            while (await client.ReceiveAsync() is { } message)
            {
                switch (message)
                {
                    case PongMessage pong when pong.Data.Length == 8:
                        ledger.Pong(BinaryPrimitives.ReadInt64BigEndian(pong.Data));
                        break;
                    case BroadcastMessage broadcast:
                        ledger.BroadcastReceived(BinaryPrimitives.ReadUInt128BigEndian(broadcast.Id));
                        break;
                    case DroppedMessage dropped:
                        ledger.DroppedNotice($"{dropped.DroppedType}: {dropped.Reason}");
                        break;
                    case RefusalMessage refusal:
                        ledger.Refused(refusal.Reason.ToString());
                        break;
                    case GoodbyeMessage goodbye:
                        ledger.Closed("the server said goodbye: " + goodbye.Text);
                        return;
                }
            }
            if (!_leaving)
            {
                ledger.Closed("closed by the server without a message");
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException)
        {
            if (!_leaving)
            {
                ledger.Closed($"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
