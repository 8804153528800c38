namespace P2PSecurity.Stress.Infrastructure;

/// <summary>One figure: its value, how it is shown, the target it is held to (null: reported only) and whether it was met.</summary>
public sealed record Figure(string Name, double Value, string Display, string? Target, bool Met);
