using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools;

/// <summary>What a command's plain class needs from the command line: where to write, how, and which file.</summary>
public sealed class ToolContext(TextWriter output, TextWriter error, bool json, string envFile)
{
    public TextWriter Out { get; } = output;

    public TextWriter Err { get; } = error;

    /// <summary>--json: write one JSON document (watch_config: one per line) to <see cref="Out"/>.</summary>
    public bool Json { get; } = json;

    /// <summary>The policy file, full path.</summary>
    public string EnvFile { get; } = Path.GetFullPath(envFile);

    /// <summary>The running server's control socket for <see cref="EnvFile"/>.</summary>
    public string SocketPath => ControlSocketPath.ForPolicyFile(EnvFile);

    public static ToolContext From(ParseResult parse) => new(
        parse.InvocationConfiguration.Output,
        parse.InvocationConfiguration.Error,
        parse.GetValue(CommonOptions.Json),
        parse.GetValue(CommonOptions.EnvFile) ?? ".env");

    public ControlClient Client(TimeSpan? timeout = null) => new(SocketPath, timeout);

    /// <summary>Writes <paramref name="value"/> as one line of JSON, with quotes and '&lt;' left readable (the output is no web page).</summary>
    public void WriteJson<T>(T value, Func<ToolJsonContext, JsonTypeInfo<T>> typeInfo) => Out.WriteLine(JsonSerializer.Serialize(value, typeInfo(ToolJson.Context)));
}
