using System.Net;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>A running arm, in this process or in a <c>serve</c> child process.</summary>
internal interface IArm : IAsyncDisposable
{
    ArmSpec Spec { get; }

    IPEndPoint EndPoint { get; }

    /// <summary>True when the server has a process of its own, so that the process's CPU time is the server's alone.</summary>
    bool Isolated { get; }

    /// <summary>The server's counters and its process's resources; <paramref name="collect"/> forces a full GC first.</summary>
    Task<ArmStats> StatsAsync(bool collect, CancellationToken ct);
}
