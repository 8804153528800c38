namespace P2PSecurity.Stress.ControlFuzz;

/// <summary>How hard <see cref="ControlFuzzer"/> pushes.</summary>
public sealed class ControlFuzzOptions
{
    public int Count { get; init; } = 2000;

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 16;

    public int Seed { get; init; } = 1;

    /// <summary>A status request, which must be answered ok, after every this many hostile ones.</summary>
    public int ControlEvery { get; init; } = 50;

    public string? ServerDll { get; init; }
}
