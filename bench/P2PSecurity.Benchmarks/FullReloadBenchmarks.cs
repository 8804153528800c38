using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// A full reload of a large file: read, hash, parse, validate, build the frozen sets and range set, diff against
/// the policy in force, swap. Every iteration replaces the file with the other of two versions that differ in one
/// setting, so every reload applies a new policy. Baseline: reading the file's bytes.
/// </summary>
[Config(typeof(ReloadConfig))]
public class FullReloadBenchmarks
{
    private BenchPolicy _policy = null!;
    private byte[][] _versions = null!;
    private string _temp = null!;
    private int _iteration;

    /// <summary>keys: 100,000 allowed keys; ips: 100,000 blocked addresses and ranges; both: the two (200,000 entries).</summary>
    [Params("keys", "ips", "both")]
    public string Entries { get; set; } = "keys";

    [GlobalSetup]
    public void Setup()
    {
        var keys = Entries is "keys" or "both";
        var ips = Entries is "ips" or "both";
        _versions =
        [
            System.Text.Encoding.UTF8.GetBytes(PolicyFiles.Text(keys, ips, "HANDSHAKE_TIMEOUT=10\n")),
            System.Text.Encoding.UTF8.GetBytes(PolicyFiles.Text(keys, ips, "HANDSHAKE_TIMEOUT=11\n")),
        ];
        _policy = new BenchPolicy(System.Text.Encoding.UTF8.GetString(_versions[0]));
        _temp = _policy.FilePath + ".tmp";
    }

    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    [IterationSetup]
    public void ReplaceFile()
    {
        // Written and renamed into place outside the measurement, as an editor or the tools do.
        File.WriteAllBytes(_temp, _versions[++_iteration % 2]);
        File.Move(_temp, _policy.FilePath, overwrite: true);
    }

    [Benchmark(Baseline = true, Description = "baseline: File.ReadAllBytes")]
    public int ReadBytes() => File.ReadAllBytes(_policy.FilePath).Length;

    [Benchmark(Description = "PolicyLoader.Load (parse + validate + build)")]
    public bool Load() => PolicyLoader.Load(File.ReadAllBytes(_policy.FilePath), _policy.FilePath).IsValid;

    [Benchmark(Description = "SecurityManager.Reload (full)")]
    public ReloadOutcome Reload()
    {
        var result = _policy.Manager.Reload("bench");
        return result.Outcome == ReloadOutcome.Applied ? result.Outcome : throw new InvalidOperationException("not applied: " + result.Outcome);
    }
}
