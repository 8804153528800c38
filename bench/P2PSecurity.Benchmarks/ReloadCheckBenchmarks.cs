using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// The check that runs on every new connection when the file did not change. Baseline: a bare
/// <c>File.GetLastWriteTimeUtc</c>, one stat call and nothing else.
/// </summary>
[Config(typeof(ShortConfig))]
public class ReloadCheckBenchmarks
{
    private BenchPolicy _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policy = new BenchPolicy(PolicyFiles.Text(keys: true, blocked: true));
        // Content read within 2 s of its change is re-checked (racy clean); measure the steady state after that.
        Thread.Sleep(TimeSpan.FromSeconds(2.2));
        _policy.Manager.Reload("bench");
        var reads = _policy.Manager.FileReads;
        for (var i = 0; i < 1000; i++)
        {
            _policy.Manager.CheckConfigReload();
        }
        AcceptBenchmarks.Check(_policy.Manager.FileReads == reads, "unchanged file was read again");
    }

    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    [Benchmark(Baseline = true, Description = "baseline: File.GetLastWriteTimeUtc")]
    public DateTime LastWriteTime() => File.GetLastWriteTimeUtc(_policy.FilePath);

    [Benchmark(Description = "FileStamp.Read (one statx)")]
    public bool Stamp() => FileStamp.Read(_policy.FilePath).Exists;

    [Benchmark(Description = "CheckConfigReload, file unchanged")]
    public bool CheckConfigReload() => _policy.Manager.CheckConfigReload();
}
