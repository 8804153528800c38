namespace P2PSecurity.Tools;

/// <summary>
/// The one exception whose message is meant for the operator: printed without a stack trace, and the process
/// exits with <see cref="ExitCode"/>. Any other exception is a bug and is printed with its stack.
/// </summary>
public sealed class ToolException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
