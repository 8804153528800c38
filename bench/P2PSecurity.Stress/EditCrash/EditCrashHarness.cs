using System.Diagnostics;
using System.Security.Cryptography;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Stress.EditCrash;

/// <summary>
/// Concurrent edits and crashes: each run starts three <c>manage_trusted_nodes add</c> processes on one .env and
/// kills one of them with SIGKILL at a random moment (start-up, waiting for the lock, writing, renaming). Afterwards
/// the file must parse, keep its comment, and hold every key whose add reported success.
/// </summary>
public static class EditCrashHarness
{
    public sealed record Report(int Runs, int Killed, int Unparseable, int LostKeys, int LostComments, int KeysAdded, TimeSpan Elapsed, IReadOnlyList<string> Failures)
    {
        public override string ToString() =>
            $"runs={Runs} killed={Killed} unparseable_files={Unparseable} lost_keys={LostKeys} lost_comments={LostComments} keys_added={KeysAdded} elapsed={Elapsed.TotalSeconds:F1}s";
    }

    public static async Task<Report> RunAsync(int runs, int seed, string toolDll, Action<string>? progress = null)
    {
        var random = new Random(seed);
        var dir = Directory.CreateTempSubdirectory("p2psec-editcrash-");
        var env = Path.Combine(dir.FullName, ".env");
        const string Comment = "# operators' notes: must survive every crash\n";
        await File.WriteAllTextAsync(env, Comment + "OTHER_APP=1\nALLOWED_NODE_KEYS=\n");
        var confirmed = new List<string>();
        var failures = new List<string>();
        int killed = 0, unparseable = 0, lost = 0, lostComments = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            // Calibrate: how long one add takes here, so that kills land across its whole life, mostly late
            // (lock, write, fsync, rename) rather than during runtime start-up.
            var calibration = Stopwatch.StartNew();
            var first = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            using (var probe = Start(toolDll, env, first))
            {
                await probe.WaitForExitAsync();
                if (probe.ExitCode == 0)
                {
                    confirmed.Add(first);
                }
            }
            var lifetime = (int)calibration.ElapsedMilliseconds;
            progress?.Invoke($"one add takes {lifetime} ms here; kills land between {lifetime * 3 / 10} and {lifetime * 12 / 10} ms");
            for (var run = 0; run < runs; run++)
            {
                var keys = Enumerable.Range(0, 3).Select(_ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).ToArray();
                var processes = keys.Select(k => Start(toolDll, env, k)).ToArray();
                await Task.Delay(random.Next(lifetime * 3 / 10, (lifetime * 12 / 10) + 1));
                if (!processes[0].HasExited)
                {
                    processes[0].Kill(entireProcessTree: false); // SIGKILL on Unix
                    killed++;
                }
                for (var i = 0; i < processes.Length; i++)
                {
                    await processes[i].WaitForExitAsync();
                    if (processes[i].ExitCode == 0)
                    {
                        confirmed.Add(keys[i]);
                    }
                    processes[i].Dispose();
                }

                var text = await File.ReadAllTextAsync(env);
                var result = PolicyLoader.Load(text, env);
                if (result.Policy is null)
                {
                    unparseable++;
                    Note(failures, $"run {run}: unparseable: {string.Join("; ", result.Errors)}");
                    continue;
                }
                if (!text.StartsWith(Comment, StringComparison.Ordinal))
                {
                    lostComments++;
                    Note(failures, $"run {run}: the comment line is gone");
                }
                foreach (var key in confirmed)
                {
                    if (!result.Policy.AllowedNodeKeys.Contains(NodeKey.Parse(key)))
                    {
                        lost++;
                        Note(failures, $"run {run}: key {key[..16]} was reported added and is missing");
                    }
                }
                if (progress is not null && (run + 1) % 10 == 0)
                {
                    progress($"{run + 1} runs, {confirmed.Count} keys confirmed, {clock.Elapsed.TotalSeconds:F0} s");
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
        return new Report(runs, killed, unparseable, lost, lostComments, confirmed.Count, clock.Elapsed, failures);
    }

    private static Process Start(string toolDll, string env, string key)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { toolDll, "add", key, "--env-file", env })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        // Drain the pipes so a chatty tool never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static void Note(List<string> failures, string failure)
    {
        if (failures.Count < 20)
        {
            failures.Add(failure);
        }
    }

    /// <summary>The built manage_trusted_nodes.dll of this checkout (the Stress project builds it).</summary>
    public static string FindTool()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "P2PSecurity.sln")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException("cannot find the repository root (P2PSecurity.sln) above " + AppContext.BaseDirectory);
        }
        return new[] { "Release", "Debug" }
            .Select(c => Path.Combine(dir.FullName, "tools", "manage_trusted_nodes", "bin", c, "net10.0", "manage_trusted_nodes.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault() ?? throw new InvalidOperationException("manage_trusted_nodes is not built; run: dotnet build tools/manage_trusted_nodes");
    }
}
