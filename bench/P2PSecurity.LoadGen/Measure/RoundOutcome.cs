namespace P2PSecurity.LoadGen.Measure;

/// <summary>
/// What one round of one arm gave: the figure's value, an optional second measure, how many methods the server's
/// JIT compiled meanwhile (a server still compiling is not warm yet), and the bytes the server allocated per
/// operation (when it has a process of its own).
/// </summary>
internal readonly record struct RoundOutcome(double Value, double? Secondary, long JitMethods, double? AllocatedPerOp = null);
