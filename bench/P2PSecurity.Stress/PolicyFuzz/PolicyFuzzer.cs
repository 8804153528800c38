using System.Diagnostics;
using System.Text;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Stress.PolicyFuzz;

/// <summary>
/// Feeds mutated policy files to the loader and to a live <see cref="SecurityManager"/> reloading a real file.
/// Counts crashes (any exception escaping), partial application (an invalid file that changed the policy in force),
/// invalid files whose errors do not all name a line, and valid files whose values disagree with DotNetEnv.
/// </summary>
public static class PolicyFuzzer
{
    public static PolicyFuzzReport Run(int count, int seed, Action<string>? progress = null)
    {
        var dir = Directory.CreateTempSubdirectory("p2psec-fuzz-");
        var path = Path.Combine(dir.FullName, ".env");
        var mutator = new PolicyMutator(seed);
        var baseline = Encoding.UTF8.GetBytes(mutator.Seed());
        File.WriteAllBytes(path, baseline);
        using var manager = SecurityManager.Create(path);
        var failures = new List<string>();
        int valid = 0, invalid = 0, crashes = 0, partial = 0, withLine = 0, mismatches = 0, heldBack = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var bytes = mutator.Next();
                try
                {
                    var result = PolicyLoader.Load(bytes, path);
                    if (result.Policy is null)
                    {
                        invalid++;
                        if (result.Errors.All(e => e.Line is not null))
                        {
                            withLine++;
                        }
                        else
                        {
                            Note(failures, $"#{i}: an error without a line: {result.Errors.First(e => e.Line is null)}");
                        }
                    }
                    else
                    {
                        valid++;
                        if (DisagreesWithDotNetEnv(bytes) is { } why)
                        {
                            mismatches++;
                            Note(failures, $"#{i}: {why}");
                        }
                    }

                    // The same file through a live manager reloading a real file, put in place by rename (an in-place
                    // write would make every reload wait the 100 ms an in-place write must be still).
                    var before = manager.Policy;
                    File.WriteAllBytes(path + ".new", bytes);
                    File.Move(path + ".new", path, overwrite: true);
                    var reload = manager.Reload("fuzz");
                    if (result.Policy is null && !ReferenceEquals(before, manager.Policy))
                    {
                        partial++;
                        Note(failures, $"#{i}: an invalid file changed the policy in force (r{before.Revision} -> r{manager.Policy.Revision})");
                    }
                    if (reload.Outcome == ReloadOutcome.Empty)
                    {
                        // By design: an emptied file never replaces the policy in force by itself (TruncatedFileGuard).
                        // Only a blank file may be held back, and the policy must not have moved.
                        if (bytes.AsSpan().Trim(" \t\r\n"u8).Length == 0 && ReferenceEquals(before, manager.Policy))
                        {
                            heldBack++;
                        }
                        else
                        {
                            partial++;
                            Note(failures, $"#{i}: held back as empty, but the file has {bytes.Length} bytes or the policy changed");
                        }
                    }
                    else if (result.Policy is not null && (reload.Outcome is not (ReloadOutcome.Applied or ReloadOutcome.Unchanged) ||
                        manager.Policy.ContentHash != result.Policy.ContentHash))
                    {
                        partial++;
                        Note(failures, $"#{i}: a valid file was not applied whole ({reload.Outcome})");
                    }
                }
                catch (Exception ex)
                {
                    crashes++;
                    Note(failures, $"#{i}: {ex.GetType().Name}: {ex.Message}");
                }
                if (progress is not null && (i + 1) % 1000 == 0)
                {
                    progress($"{i + 1:N0} files, {clock.Elapsed.TotalSeconds:F0} s");
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        return new PolicyFuzzReport(count, valid, invalid, crashes, partial, withLine, mismatches, heldBack, clock.Elapsed, failures);
    }

    /// <summary>For files DotNetEnv can parse whole, each of our keys must have the value DotNetEnv gives (last wins).</summary>
    private static string? DisagreesWithDotNetEnv(byte[] bytes)
    {
        if (bytes.Length > 64 * 1024)
        {
            return null; // DotNetEnv needs seconds for multi-megabyte lists; the unit tests cover the fast path.
        }
        var text = Encoding.UTF8.GetString(bytes);
        Dictionary<string, string> theirs;
        try
        {
            theirs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in DotNetEnv.Env.LoadContents(text, DotNetEnv.Env.NoEnvVars()))
            {
                theirs[pair.Key] = pair.Value;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null; // DotNetEnv rejects the whole file; we may accept it line by line. Not a disagreement on values.
        }
        var ours = EnvFileParser.Parse(text);
        foreach (var key in PolicyKeys.All)
        {
            var mine = ours.Last(key)?.Value;
            theirs.TryGetValue(key, out var other);
            if (mine is not null && other is not null && !string.Equals(mine, other, StringComparison.Ordinal))
            {
                return $"{key}: ours '{Core.Logging.LogText.Escape(mine)}' vs DotNetEnv '{Core.Logging.LogText.Escape(other)}'";
            }
        }
        return null;
    }

    private static void Note(List<string> failures, string failure)
    {
        if (failures.Count < 20)
        {
            failures.Add(failure);
        }
    }
}
