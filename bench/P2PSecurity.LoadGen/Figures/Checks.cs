using P2PSecurity.LoadGen.Arms;
using P2PSecurity.LoadGen.Load;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>The consistency checks every round passes: no failed operation, and the server counted what the load did.</summary>
internal sealed class Checks
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    public void NoFailures(IArm arm, int round, LoadResult result)
    {
        if (result.Failed > 0 || result.FirstError is not null)
        {
            _problems.Add($"{RoundName(round)}, {arm.Spec.Name}: {result.Failed:N0} failed ({result.FirstError})");
        }
    }

    public void Equal(IArm arm, int round, string what, long expected, long actual)
    {
        if (expected != actual)
        {
            _problems.Add($"{RoundName(round)}, {arm.Spec.Name}: {what}: expected {expected:N0}, the server counted {actual:N0}");
        }
    }

    public void Add(string problem) => _problems.Add(problem);

    private static string RoundName(int round) => round < 0 ? "warm-up round" : $"round {round + 1}";
}
