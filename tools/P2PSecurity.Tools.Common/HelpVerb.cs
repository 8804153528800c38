using System.CommandLine;
using System.Globalization;

namespace P2PSecurity.Tools;

/// <summary>The <c>help [command]</c> verb: the usual help text, then the exit codes shared by all tools.</summary>
internal static class HelpVerb
{
    public static Command Create(RootCommand root, string toolName)
    {
        var name = new Argument<string?>("command") { Description = "The command to explain", Arity = ArgumentArity.ZeroOrOne };
        var help = new Command("help", "Show the commands, options and exit codes") { name };
        help.SetAction(parse =>
        {
            var command = parse.GetValue(name);
            string[] args = command is null ? ["--help"] : [command, "--help"];
            var config = new InvocationConfiguration { Output = parse.InvocationConfiguration.Output, Error = parse.InvocationConfiguration.Error };
            var shown = root.Parse(args).Invoke(config);
            if (shown != 0)
            {
                throw new ToolException(ExitCodes.Usage, $"'{command}' is not a command of {toolName}; run '{toolName} help'");
            }
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine("Exit codes (the same in manage_trusted_nodes, reload_security and watch_config):");
            foreach (var (code, meaning) in ExitCodes.Table)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {code,3}  {meaning}"));
            }
            return ExitCodes.Success;
        });
        return help;
    }
}
