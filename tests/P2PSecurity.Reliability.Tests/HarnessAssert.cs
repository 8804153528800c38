using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Reliability.Tests;

/// <summary>Assertions on harness reports that print the whole report when they fail.</summary>
internal static class HarnessAssert
{
    /// <summary>Every target of the report was met.</summary>
    public static void Passed(HarnessReport report) =>
        Assert.True(report.Passed, $"missed: {string.Join(", ", report.Missed.Select(f => f.Name))}\n{report}");

    /// <summary>The figure called <paramref name="name"/> has the value <paramref name="expected"/>.</summary>
    public static void Figure(HarnessReport report, string name, double expected) =>
        Assert.True(report[name].Value == expected, $"{name} is {report[name].Display}, expected {expected}\n{report}");

    /// <summary>The figure called <paramref name="name"/> is at least <paramref name="minimum"/>.</summary>
    public static void AtLeast(HarnessReport report, string name, double minimum) =>
        Assert.True(report[name].Value >= minimum, $"{name} is {report[name].Display}, expected at least {minimum}\n{report}");

    /// <summary>Progress lines of a harness, into the test's output.</summary>
    public static void Progress(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}
