using System.Net;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>A server under load, running in this process: the real node server or one of the bare baselines.</summary>
internal interface IBenchServer : IAsyncDisposable
{
    /// <summary>Where IPv4 clients connect (the listener itself is dual-stack, as the node server's is).</summary>
    IPEndPoint EndPoint { get; }

    /// <summary>What the server has counted so far.</summary>
    ArmCounters Counters { get; }
}
