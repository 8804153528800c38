namespace P2PSecurity.Core.Editing;

/// <summary>A label comment line in the file: where it is (line ending included) and what it says.</summary>
internal readonly record struct LabelLine(int Start, int Length, string Entry, string Label);
