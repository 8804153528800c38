using System.Collections.Concurrent;

namespace P2PSecurity.Stress.HeldLoad;

/// <summary>
/// Every message the held connections sent and what came back (thread-safe): pings awaiting their pong, broadcasts
/// and how many sessions received each, drops and refusals from the server, connections lost.
/// </summary>
internal sealed class HeldLedger
{
    private readonly ConcurrentDictionary<long, byte> _awaitingPong = new();
    private readonly ConcurrentDictionary<UInt128, Broadcast> _broadcasts = new();
    private readonly ConcurrentQueue<string> _details = new();
    private long _nextPing;
    private long _pingsSent;
    private long _pongs;
    private long _strayPongs;
    private long _dropped;
    private long _refusals;
    private long _closed;
    private long _duplicateRelays;
    private long _sendFailures;

    public long PingsSent => Interlocked.Read(ref _pingsSent);

    public long Pongs => Interlocked.Read(ref _pongs);

    public long StrayPongs => Interlocked.Read(ref _strayPongs);

    public long AwaitingPong => _awaitingPong.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Refusals => Interlocked.Read(ref _refusals);

    public long ClosedUnexpectedly => Interlocked.Read(ref _closed);

    public long DuplicateRelays => Interlocked.Read(ref _duplicateRelays);

    public long SendFailures => Interlocked.Read(ref _sendFailures);

    public int BroadcastsSent => _broadcasts.Count;

    /// <summary>Relays owed (each broadcast to every other session open when it was sent) and not received.</summary>
    public long MissingRelays => _broadcasts.Values.Sum(b => Math.Max(0, b.Expected - b.Received));

    public long Relays => _broadcasts.Values.Sum(b => (long)b.Received);

    public IEnumerable<string> Details => _details;

    public long NewPing()
    {
        var id = Interlocked.Increment(ref _nextPing);
        _awaitingPong[id] = 0;
        Interlocked.Increment(ref _pingsSent);
        return id;
    }

    public void Pong(long id)
    {
        if (_awaitingPong.TryRemove(id, out _))
        {
            Interlocked.Increment(ref _pongs);
        }
        else
        {
            Interlocked.Increment(ref _strayPongs);
        }
    }

    public void BroadcastSent(UInt128 id, int expectedReceivers) => _broadcasts[id] = new Broadcast(expectedReceivers);

    public void BroadcastReceived(UInt128 id)
    {
        if (!_broadcasts.TryGetValue(id, out var broadcast))
        {
            Note("a broadcast the harness did not send was relayed");
            return;
        }
        if (Interlocked.Increment(ref broadcast.Received) > broadcast.Expected)
        {
            Interlocked.Increment(ref _duplicateRelays);
        }
    }

    public void DroppedNotice(string what)
    {
        Interlocked.Increment(ref _dropped);
        Note("the server dropped a message: " + what);
    }

    public void Refused(string what)
    {
        Interlocked.Increment(ref _refusals);
        Note("the server refused a held connection: " + what);
    }

    public void Closed(string what)
    {
        Interlocked.Increment(ref _closed);
        Note("a held connection closed: " + what);
    }

    public void SendFailed(string what)
    {
        Interlocked.Increment(ref _sendFailures);
        Note("a send failed: " + what);
    }

    private void Note(string detail)
    {
        if (_details.Count < 20)
        {
            _details.Enqueue(detail);
        }
    }

    private sealed class Broadcast(int expected)
    {
        public readonly int Expected = expected;
        public int Received;
    }
}
