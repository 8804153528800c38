using System.CommandLine;
using System.Globalization;

namespace P2PSecurity.Tools.WatchConfig;

internal static class WatchCommand
{
    public static RootCommand Create()
    {
        var interval = new Argument<double>("interval")
        {
            Description = "Seconds between polls of the file, the fallback when file events are missed",
            DefaultValueFactory = _ => 1.0,
        };
        interval.Validators.Add(result =>
        {
            var seconds = result.GetValueOrDefault<double>();
            if (!(seconds >= 0.05 && seconds <= 3600))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"interval must be from 0.05 to 3600 seconds, got {seconds}"));
            }
        });
        var root = new RootCommand(
            "Watch the policy file; on each change validate it, make the running server reload it, and print a timestamped line with what changed or the errors. Ctrl+C stops.")
        {
            interval,
        };
        root.SetAction((parse, ct) => new ConfigWatcher(ToolContext.From(parse), TimeSpan.FromSeconds(parse.GetValue(interval)), TimeProvider.System).RunAsync(ct));
        return root;
    }
}
