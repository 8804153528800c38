using System.Diagnostics;

namespace P2PSecurity.Stress.SlowClients;

/// <summary>
/// How many of a group of flows hold a connection right now, counted from the client side: a flow holds one once
/// its connection has stayed open for <see cref="HeldAfter"/>. A connection the accept gate refuses is closed within
/// milliseconds, so it never counts; one the server admitted and keeps (a pending handshake) does. Sampled by the
/// harness; the peak is the figure.
/// </summary>
internal sealed class HeldGauge(int flows)
{
    /// <summary>How long a connection must have been open to count as held.</summary>
    public static readonly TimeSpan HeldAfter = TimeSpan.FromSeconds(1);

    // Per flow: the Stopwatch timestamp of its connect, 0 while it holds none. Each flow writes only its own cell.
    private readonly long[] _since = new long[flows];
    private int _peak;

    public int Peak => Volatile.Read(ref _peak);

    public void Connected(int flow) => Volatile.Write(ref _since[flow], Stopwatch.GetTimestamp());

    public void Closed(int flow) => Volatile.Write(ref _since[flow], 0);

    /// <summary>Counts the flows holding a connection now and keeps the peak.</summary>
    public int Sample()
    {
        var threshold = Stopwatch.GetTimestamp() - (long)(HeldAfter.TotalSeconds * Stopwatch.Frequency);
        var held = 0;
        foreach (ref readonly var since in _since.AsSpan())
        {
            var value = Volatile.Read(in since);
            if (value != 0 && value <= threshold)
            {
                held++;
            }
        }
        if (held > _peak)
        {
            Volatile.Write(ref _peak, held);
        }
        return held;
    }
}
