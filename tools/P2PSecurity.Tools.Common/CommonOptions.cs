using System.CommandLine;

namespace P2PSecurity.Tools;

/// <summary>Options every command of every tool takes.</summary>
public static class CommonOptions
{
    public static Option<string> EnvFile { get; } = new("--env-file")
    {
        Description = "The policy file (default: .env in the current folder)",
        HelpName = "path",
        DefaultValueFactory = _ => ".env",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of text",
        Recursive = true,
    };
}
