namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// What one round of one arm gave: the figure's value, an optional second measure, and how many methods the
/// server's JIT compiled meanwhile (a server still compiling is not warm yet).
/// </summary>
internal readonly record struct RoundOutcome(double Value, double? Secondary, long JitMethods);
