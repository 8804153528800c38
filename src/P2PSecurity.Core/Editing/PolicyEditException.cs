namespace P2PSecurity.Core.Editing;

/// <summary>An edit was refused; the message says what and where, and the file is unchanged.</summary>
public sealed class PolicyEditException : Exception
{
    public PolicyEditException(PolicyEditFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    public PolicyEditFailure Failure { get; }
}
