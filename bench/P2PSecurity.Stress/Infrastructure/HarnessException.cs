namespace P2PSecurity.Stress.Infrastructure;

/// <summary>The harness itself could not do its work (the server would not start, a setup step failed): not a figure.</summary>
public sealed class HarnessException : Exception
{
    public HarnessException(string message)
        : base(message)
    {
    }

    public HarnessException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
