using System.Globalization;
using P2PSecurity.Stress.PolicyFuzz;

// Reliability harnesses (docs/RELIABILITY.md). Each command prints its figures and exits 1 if a target is missed.
var command = args.Length > 0 ? args[0] : "help";
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

switch (command)
{
    case "policy-fuzz":
    {
        var report = PolicyFuzzer.Run(Option("--count", 10_000), Option("--seed", 1), Console.WriteLine);
        Console.WriteLine(report);
        foreach (var failure in report.Failures)
        {
            Console.WriteLine("  " + failure);
        }
        return report.Crashes == 0 && report.PartiallyApplied == 0 && report.InvalidWithLine == report.Invalid && report.ValidMismatches == 0 ? 0 : 1;
    }
    case "edit-crash":
    {
        var report = await P2PSecurity.Stress.EditCrash.EditCrashHarness.RunAsync(
            Option("--runs", 100), Option("--seed", 1), P2PSecurity.Stress.EditCrash.EditCrashHarness.FindTool(), Console.WriteLine);
        Console.WriteLine(report);
        foreach (var failure in report.Failures)
        {
            Console.WriteLine("  " + failure);
        }
        return report.Unparseable == 0 && report.LostKeys == 0 && report.LostComments == 0 ? 0 : 1;
    }
    default:
        Console.WriteLine("usage: p2psecurity-stress policy-fuzz [--count N] [--seed S]");
        return command == "help" ? 0 : 64;
}
