using BenchmarkDotNet.Running;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// Runs the policy-core benchmarks. Every class has its own short job (see <see cref="ShortConfig"/>), so
/// <c>dotnet run -c Release --project bench/P2PSecurity.Benchmarks -- --filter '*'</c> finishes in a few minutes.
/// <c>reload-cpu ...</c> runs <see cref="ReloadCpu"/> instead.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["reload-cpu", ..])
        {
            ReloadCpu.Run(args);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
