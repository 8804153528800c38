using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>A policy file in a temp folder and a SecurityManager on it, with no log output (NullLogger).</summary>
public sealed class BenchPolicy : IDisposable
{
    private readonly string _dir;

    /// <param name="time">The manager's clock; the system's unless a benchmark needs its own (<see cref="RacingClock"/>).</param>
    public BenchPolicy(string text, TimeProvider? time = null)
    {
        _dir = Path.Combine(Path.GetTempPath(), "p2ps-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        FilePath = Path.Combine(_dir, ".env");
        File.WriteAllText(FilePath, text);
        Manager = SecurityManager.Create(FilePath, NullLogger.Instance, time ?? TimeProvider.System);
    }

    public string FilePath { get; }

    public SecurityManager Manager { get; }

    public void Dispose()
    {
        Manager.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
