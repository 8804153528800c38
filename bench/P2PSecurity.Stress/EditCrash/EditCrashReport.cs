namespace P2PSecurity.Stress.EditCrash;

/// <summary>What <see cref="EditCrashHarness"/> found.</summary>
public sealed record EditCrashReport
{
    /// <summary><c>manage_trusted_nodes add</c> processes started at once on one file, before the kill runs.</summary>
    public int ParallelAdds { get; init; }

    /// <summary>Of those, how many exited 0 (each must have its key in the file afterwards).</summary>
    public int ParallelConfirmed { get; init; }

    public int Runs { get; init; }

    /// <summary>Victims that received SIGKILL (a victim that finished before its moment is not counted).</summary>
    public int Killed { get; init; }

    /// <summary>Killed while their temporary file existed, before the rename: the old file must be what remains.</summary>
    public int KilledBeforeRename { get; init; }

    /// <summary>Killed while their temporary file existed, after the rename had already put their key in.</summary>
    public int KilledAfterRename { get; init; }

    /// <summary>Killed at a random moment of their life (start-up, waiting for the lock, writing, reloading the server).</summary>
    public int KilledAtAnyMoment { get; init; }

    public int Unparseable { get; init; }

    /// <summary>Keys whose add exited 0 and that are missing from the file afterwards.</summary>
    public int LostKeys { get; init; }

    public int LostComments { get; init; }

    /// <summary>Temporary files still beside the .env after one more add (which clears a killed writer's leftovers).</summary>
    public int StaleTemporaries { get; init; }

    public int KeysConfirmed { get; init; }

    /// <summary>How long a write lasted in the calibration add: temporary file seen to renamed.</summary>
    public TimeSpan WriteWindow { get; init; }

    public TimeSpan Elapsed { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    public bool Passed => Unparseable == 0 && LostKeys == 0 && LostComments == 0 && StaleTemporaries == 0 && ParallelConfirmed == ParallelAdds && Failures.Count == 0;

    public override string ToString() =>
        $"parallel_adds={ParallelAdds} parallel_confirmed={ParallelConfirmed} runs={Runs} killed={Killed} " +
        $"(during the write: before_rename={KilledBeforeRename} after_rename={KilledAfterRename}; at_any_moment={KilledAtAnyMoment}) " +
        $"unparseable_files={Unparseable} lost_keys={LostKeys} lost_comments={LostComments} stale_temporaries={StaleTemporaries} " +
        $"keys_confirmed={KeysConfirmed} write_window={WriteWindow.TotalMilliseconds:F2}ms elapsed={Elapsed.TotalSeconds:F1}s";
}
