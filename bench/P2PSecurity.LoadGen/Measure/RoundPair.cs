namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// One subject round and the baseline rounds just before and after it. <c>Value</c> is the figure's measure (a
/// rate, or bytes per connection); <c>Secondary</c> a second one when the figure has it (server CPU per
/// operation, managed heap). The subject is compared with the mean of its two neighbours, which cancels a load on
/// the machine that rises or falls steadily across the three rounds.
/// </summary>
internal sealed record RoundPair(int Round, RoundOutcome Before, RoundOutcome Subject, RoundOutcome After)
{
    public double BaselineValue => (Before.Value + After.Value) / 2;

    public double SubjectValue => Subject.Value;

    public double? BaselineSecondary => Before.Secondary is { } b && After.Secondary is { } a ? (b + a) / 2 : null;

    public double? SubjectSecondary => Subject.Secondary;

    public double Ratio => BaselineValue > 0 ? SubjectValue / BaselineValue : double.NaN;

    public long BaselineJitMethods => Before.JitMethods + After.JitMethods;

    public long SubjectJitMethods => Subject.JitMethods;
}
