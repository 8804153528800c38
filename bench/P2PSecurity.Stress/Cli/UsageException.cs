namespace P2PSecurity.Stress.Cli;

/// <summary>A command line the harness cannot run; printed with the usage, exit code 64.</summary>
public sealed class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("bad command line")
    {
    }

    public UsageException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
