namespace P2PSecurity.Tools.Output;

/// <summary>--json output of a failed command.</summary>
public sealed class ErrorOutput
{
    public bool Ok { get; set; }

    public int ExitCode { get; set; }

    public string Error { get; set; } = string.Empty;
}
