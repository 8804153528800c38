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

    public static Option<string> Profile { get; } = new("--profile")
    {
        Description = "Use .env.NAME in the current folder instead of .env (also P2PSECURITY_PROFILE); --env-file wins",
        HelpName = "name",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Print JSON for scripts instead of text",
        Recursive = true,
    };
}
