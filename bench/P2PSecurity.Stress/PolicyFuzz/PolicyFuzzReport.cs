namespace P2PSecurity.Stress.PolicyFuzz;

/// <summary>The figures of one policy fuzzing run (see docs/RELIABILITY.md).</summary>
public sealed record PolicyFuzzReport(
    int Files,
    int Valid,
    int Invalid,
    int Crashes,
    int PartiallyApplied,
    int InvalidWithLine,
    int ValidMismatches,
    int EmptyHeldBack,
    TimeSpan Elapsed,
    IReadOnlyList<string> Failures)
{
    public override string ToString() =>
        $"files={Files:N0} valid={Valid:N0} invalid={Invalid:N0} crashes={Crashes} partially_applied={PartiallyApplied} " +
        $"invalid_naming_a_line={InvalidWithLine:N0}/{Invalid:N0} valid_mismatches={ValidMismatches} " +
        $"empty_files_held_back={EmptyHeldBack} elapsed={Elapsed.TotalSeconds:F1}s";
}
