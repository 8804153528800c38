using System.CommandLine;

namespace P2PSecurity.Tools;

/// <summary><c>--fleet</c> on the editing and ban verbs: the same decision, published to the whole fleet instead of made here.</summary>
public static class FleetOption
{
    public static Option<bool> Create(string what) => new("--fleet") { Description = "Fleet-wide: " + what };

    /// <summary>
    /// When <c>--fleet</c> was given, the publish (an option that has no meaning for the fleet is a usage error);
    /// otherwise null, and the verb does its local work.
    /// </summary>
    public static Task<int>? Given(ParseResult parse, Option<bool> fleet, string action, string target, string? duration, string? localOnlyOption)
    {
        if (!parse.GetValue(fleet))
        {
            return null;
        }
        if (localOnlyOption is not null)
        {
            throw new ToolException(ExitCodes.Usage, $"{localOnlyOption} does not go with --fleet (a fleet decision carries only what it decides)");
        }
        var context = ToolContext.From(parse);
        return new FleetPublisher(context).PublishAsync(action, target, duration, CancellationToken.None);
    }
}
