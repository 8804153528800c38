namespace P2PSecurity.Stress.EditCrash;

/// <summary>How much <see cref="EditCrashHarness"/> does.</summary>
public sealed record EditCrashOptions
{
    /// <summary>Runs whose victim is killed during its write.</summary>
    public int Runs { get; init; } = 100;

    /// <summary>Further runs whose victim is killed at any moment of its life.</summary>
    public int LifetimeRuns { get; init; } = 20;

    /// <summary><c>add</c> processes started at once before the kill runs.</summary>
    public int Parallel { get; init; } = 50;

    public int Seed { get; init; } = 1;
}
