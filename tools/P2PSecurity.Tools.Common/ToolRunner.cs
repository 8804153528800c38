using System.CommandLine;
using System.CommandLine.Invocation;
using P2PSecurity.Core.Editing;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools;

/// <summary>
/// Runs a tool's root command with the shared conventions: --env-file and --json on every command, a <c>help</c>
/// verb, exit code 64 for a bad command line, and the one user-facing exception printed without a stack trace.
/// </summary>
public static class ToolRunner
{
    public static async Task<int> RunAsync(RootCommand root, string toolName, string[] args)
    {
        root.Add(CommonOptions.EnvFile);
        root.Add(CommonOptions.Profile);
        root.Add(CommonOptions.Json);
        root.Add(HelpVerb.Create(root, toolName));
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        var parse = root.Parse(args);
        var json = parse.GetValue(CommonOptions.Json);
        if (parse.Action is ParseErrorAction)
        {
            var errors = string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message));
            return Fail(config, json, ExitCodes.Usage, $"{errors}{Environment.NewLine}Run '{toolName} help' for the commands and options.");
        }
        try
        {
            return await parse.InvokeAsync(config);
        }
        catch (ToolException ex)
        {
            return Fail(config, json, ex.ExitCode, ex.Message);
        }
        catch (PolicyEditException ex)
        {
            return Fail(config, json, ExitCodeOf(ex.Failure), ex.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(config, json, ExitCodes.Interrupted, "interrupted");
        }
        catch (Exception ex)
        {
            // Anything else is a bug: show everything that helps fix it.
            return Fail(config, json, ExitCodes.InternalError, $"internal error in {toolName}: {ex}");
        }
    }

    public static int ExitCodeOf(PolicyEditFailure failure) => failure switch
    {
        PolicyEditFailure.InvalidEntry => ExitCodes.Usage,
        PolicyEditFailure.InvalidPolicy => ExitCodes.InvalidPolicy,
        PolicyEditFailure.UnsupportedSyntax or PolicyEditFailure.WouldOpenNetwork => ExitCodes.NotEditable,
        _ => ExitCodes.IoError,
    };

    private static int Fail(InvocationConfiguration config, bool json, int code, string message)
    {
        if (json)
        {
            config.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new ErrorOutput { ExitCode = code, Error = message }, ToolJson.Context.ErrorOutput));
        }
        else
        {
            config.Error.WriteLine(message);
        }
        return code;
    }
}
