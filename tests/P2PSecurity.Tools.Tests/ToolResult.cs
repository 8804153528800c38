namespace P2PSecurity.Tools.Tests;

/// <summary>How a tool run ended.</summary>
internal sealed record ToolResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Err}";
}
