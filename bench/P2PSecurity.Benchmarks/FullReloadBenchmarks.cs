using BenchmarkDotNet.Attributes;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Benchmarks;

/// <summary>
/// Reloads of a large file: read, hash, parse, validate, build the sets and range set, diff against the policy in
/// force, swap. Before every call the file is replaced (by rename, outside the measurement) with the other of two
/// versions, so every reload applies a new policy. Baseline: reading the file's bytes.
/// </summary>
/// <remarks>
/// Three kinds of reload (issue 9): "from scratch" parses everything (nothing kept from the reload before, as at
/// start); "one setting changed" changes HANDSHAKE_TIMEOUT, so every long list is unchanged and reused whole;
/// "one entry changed" changes one entry of the 100,000 (a blocked address, or an allowed key), as an operator
/// blocking one more address does.
/// </remarks>
[Config(typeof(ReloadConfig))]
public class FullReloadBenchmarks
{
    private BenchPolicy _policy = null!;
    private byte[][] _settingVersions = null!;
    private byte[][] _entryVersions = null!;
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
        var first = PolicyFiles.Text(keys, ips, "HANDSHAKE_TIMEOUT=10\n");
        _settingVersions =
        [
            System.Text.Encoding.UTF8.GetBytes(first),
            System.Text.Encoding.UTF8.GetBytes(PolicyFiles.Text(keys, ips, "HANDSHAKE_TIMEOUT=11\n")),
        ];
        // One entry in the middle of the list replaced by another (the last list in the file: the block list when
        // there is one).
        var changed = ips
            ? first.Replace("  " + PolicyFiles.BlockedEntries[50_000] + "\n", "  203.0.113.77\n", StringComparison.Ordinal)
            : first.Replace("  " + PolicyFiles.Key(50_000) + "\n", "  " + PolicyFiles.Key(PolicyFiles.Count + 1) + "\n", StringComparison.Ordinal);
        AcceptBenchmarks.Check(changed != first, "the one-entry version differs");
        _entryVersions = [System.Text.Encoding.UTF8.GetBytes(first), System.Text.Encoding.UTF8.GetBytes(changed)];
        _policy = new BenchPolicy(first);
        _temp = _policy.FilePath + ".tmp";
    }

    [GlobalCleanup]
    public void Cleanup() => _policy.Dispose();

    [IterationSetup(Targets = [nameof(ReadBytes), nameof(Load), nameof(ReloadFromScratch), nameof(Reload)])]
    public void ReplaceSetting() => Replace(_settingVersions);

    [IterationSetup(Target = nameof(ReloadOneEntry))]
    public void ReplaceEntry() => Replace(_entryVersions);

    private void Replace(byte[][] versions)
    {
        // Written and renamed into place outside the measurement, as an editor or the tools do.
        File.WriteAllBytes(_temp, versions[++_iteration % 2]);
        File.Move(_temp, _policy.FilePath, overwrite: true);
    }

    [Benchmark(Baseline = true, Description = "baseline: File.ReadAllBytes")]
    public int ReadBytes() => File.ReadAllBytes(_policy.FilePath).Length;

    [Benchmark(Description = "PolicyLoader.Load (parse + validate + build)")]
    public bool Load() => PolicyLoader.Load(File.ReadAllBytes(_policy.FilePath), _policy.FilePath).IsValid;

    [Benchmark(Description = "SecurityManager.Reload, from scratch")]
    public ReloadOutcome ReloadFromScratch() => Applied(reuse: false);

    [Benchmark(Description = "SecurityManager.Reload, one setting changed (lists reused)")]
    public ReloadOutcome Reload() => Applied(reuse: true);

    [Benchmark(Description = "SecurityManager.Reload, one entry of 100,000 changed")]
    public ReloadOutcome ReloadOneEntry() => Applied(reuse: true);

    private ReloadOutcome Applied(bool reuse)
    {
        _policy.Manager.ReuseParsedLists = reuse;
        var result = _policy.Manager.Reload("bench");
        return result.Outcome == ReloadOutcome.Applied ? result.Outcome : throw new InvalidOperationException("not applied: " + result.Outcome);
    }
}
