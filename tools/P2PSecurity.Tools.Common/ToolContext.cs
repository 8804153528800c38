using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools;

/// <summary>What a command's plain class needs from the command line: where to write, how, and which file.</summary>
public sealed class ToolContext(TextWriter output, TextWriter error, bool json, string envFile, string? profile = null)
{
    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    /// <summary>--json: write one JSON document (watch_config: one per line) to <see cref="Out"/>.</summary>
    public bool Json { get; } = json;

    /// <summary>The policy file, full path.</summary>
    public string EnvFile { get; } = Path.GetFullPath(envFile);

    /// <summary>The profile that chose <see cref="EnvFile"/> (<c>.env.NAME</c>), or null.</summary>
    public string? Profile { get; } = profile;

    /// <summary>The running server's control socket for <see cref="EnvFile"/>.</summary>
    public string SocketPath => ControlSocketPath.ForPolicyFile(EnvFile);

    /// <summary>
    /// The context of a parsed command line. The file is <c>--env-file</c> when given, else <c>.env.NAME</c> for
    /// <c>--profile NAME</c> or P2PSECURITY_PROFILE, else <c>.env</c>; a profile whose file does not exist is a usage
    /// error (exit 64) unless the command makes no use of the file (<paramref name="needsPolicyFile"/>).
    /// </summary>
    public static ToolContext From(ParseResult parse, bool needsPolicyFile = true)
    {
        var envFile = parse.GetResult(CommonOptions.EnvFile) is { Implicit: false } ? parse.GetValue(CommonOptions.EnvFile) : null;
        var (path, profile, error) = PolicyProfile.Resolve(envFile, parse.GetValue(CommonOptions.Profile) ?? PolicyProfile.FromEnvironment(), Directory.GetCurrentDirectory());
        var missing = needsPolicyFile ? PolicyProfile.Missing(profile, path) : null;
        if ((error ?? missing) is { } message)
        {
            throw new ToolException(ExitCodes.Usage, message);
        }
        return new(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(CommonOptions.Json), path, profile);
    }

    public ControlClient Client(TimeSpan? timeout = null) => new(SocketPath, timeout);

    /// <summary>Writes <paramref name="value"/> as one line of JSON, with quotes and '&lt;' left readable (the output is no web page).</summary>
    public void WriteJson<T>(T value, Func<ToolJsonContext, JsonTypeInfo<T>> typeInfo) => Out.WriteLine(JsonSerializer.Serialize(value, typeInfo(ToolJson.Context)));
}
