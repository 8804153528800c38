namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// One round of each arm, run back to back. <see cref="Value"/> is the figure's measure (a rate, or bytes per
/// connection); <see cref="Secondary"/> a second one when the figure has it (server CPU per operation, managed heap).
/// </summary>
internal sealed record RoundPair(int Round, bool BaselineFirst, double BaselineValue, double SubjectValue, double? BaselineSecondary, double? SubjectSecondary,
    long BaselineJitMethods, long SubjectJitMethods)
{
    public double Ratio => BaselineValue > 0 ? SubjectValue / BaselineValue : double.NaN;

    public string Order => BaselineFirst ? "baseline, subject" : "subject, baseline";
}
