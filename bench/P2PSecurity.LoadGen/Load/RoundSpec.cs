namespace P2PSecurity.LoadGen.Load;

/// <summary>
/// How long one round runs: a ramp (the load fills the pipeline), then a measured window; or, when
/// <see cref="Count"/> is set, exactly that many operations, all measured (tiny runs for tests, where speed does
/// not matter and counts must match).
/// </summary>
internal sealed record RoundSpec(TimeSpan Ramp, TimeSpan Window, int? Count = null)
{
    public static RoundSpec Counted(int count) => new(TimeSpan.Zero, TimeSpan.Zero, count);

    public override string ToString() => Count is { } n
        ? $"{n:N0} operations per round"
        : $"{Ramp.TotalSeconds:0.##} s ramp + {Window.TotalSeconds:0.##} s measured per round";
}
