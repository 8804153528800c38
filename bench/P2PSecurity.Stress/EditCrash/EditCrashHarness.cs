using System.Diagnostics;
using System.Security.Cryptography;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Stress.EditCrash;

/// <summary>
/// Concurrent edits and crashes, with real <c>manage_trusted_nodes</c> processes on one .env:
/// <list type="number">
/// <item>many <c>add</c>s started at once: every one that reports success must leave its key;</item>
/// <item>runs of three <c>add</c>s at once, one of them (the victim) killed with SIGKILL <b>during its write</b>: the
/// harness watches for the victim's own temporary file (<c>.env.tmp-PID-…</c>, see <c>AtomicFile</c>) and kills it a
/// random time after it appears, within the write's measured duration, so that kills land between creating the
/// temporary file and renaming it, and a few just after the rename;</item>
/// <item>runs whose victim is killed at any moment of its life (start-up, waiting for the lock, writing).</item>
/// </list>
/// After every run the file must parse, keep its comment, and hold every key whose add exited 0; at the end one more
/// add must leave no temporary file behind.
/// </summary>
public static class EditCrashHarness
{
    private const string Comment = "# operators' notes: must survive every crash\n";

    // AtomicFile's temporary names: ".env" gives ".env.tmp-<pid>-<random>"; hidden, so enumeration must not skip them.
    private const string TempPrefix = ".env.tmp-";
    private static readonly EnumerationOptions Hidden = new() { AttributesToSkip = 0, RecurseSubdirectories = false };

    public static async Task<EditCrashReport> RunAsync(EditCrashOptions options, string toolDll, Action<string>? progress = null)
    {
        var random = new Random(options.Seed);
        var dir = Directory.CreateTempSubdirectory("p2psec-editcrash-");
        var env = Path.Combine(dir.FullName, ".env");
        await File.WriteAllTextAsync(env, Comment + "OTHER_APP=1\nALLOWED_NODE_KEYS=\n");
        var ledger = new Ledger(env);
        var clock = Stopwatch.StartNew();
        try
        {
            // Calibrate: how long one add lives here, and how long its write lasts (temporary file seen to renamed).
            var calibration = Stopwatch.StartNew();
            var calibrationKey = NewKey();
            TimeSpan window;
            using (var first = Start(toolDll, env, calibrationKey))
            {
                window = await Task.Factory.StartNew(() => MeasureWrite(first, dir.FullName), TaskCreationOptions.LongRunning);
                await first.WaitForExitAsync();
                ledger.Finished(first, calibrationKey);
            }
            var lifetime = (int)calibration.ElapsedMilliseconds;
            window = window > TimeSpan.Zero ? window : TimeSpan.FromMilliseconds(2);
            progress?.Invoke($"one add lives {lifetime} ms here and writes for {window.TotalMilliseconds:F2} ms");

            var parallel = await ParallelAddsAsync(options.Parallel, toolDll, env, ledger);
            ledger.Check("parallel adds");
            progress?.Invoke($"{options.Parallel} adds at once: {parallel} exited 0");

            for (var run = 0; run < options.Runs + options.LifetimeRuns; run++)
            {
                var duringWrite = run < options.Runs;
                var keys = Enumerable.Range(0, 3).Select(_ => NewKey()).ToArray();
                var processes = keys.Select(k => Start(toolDll, env, k)).ToArray();
                var victim = processes[0];
                // The killer spins on its own thread: a temporary file can live for well under a millisecond.
                var seed = random.Next();
                var killed = duringWrite
                    ? await Task.Factory.StartNew(() => KillDuringWrite(victim, dir.FullName, window, new Random(seed)), TaskCreationOptions.LongRunning)
                    : await KillAtAnyMomentAsync(victim, random.Next(lifetime / 10, (lifetime * 12 / 10) + 1));
                for (var i = 0; i < processes.Length; i++)
                {
                    await processes[i].WaitForExitAsync();
                    ledger.Finished(processes[i], keys[i]);
                    processes[i].Dispose();
                }
                var text = ledger.Check($"run {run}");
                if (killed is { } moment)
                {
                    ledger.Killed(moment, text is not null && text.Contains(keys[0], StringComparison.Ordinal));
                }
                if (progress is not null && (run + 1) % 10 == 0)
                {
                    progress($"{run + 1} runs, {ledger.Kills} killed ({ledger.KilledBeforeRename} before the rename), {ledger.Confirmed.Count} keys confirmed, {clock.Elapsed.TotalSeconds:F0} s");
                }
            }

            // One more add, as after a crash: it clears any temporary file a killed writer left.
            var lastKey = NewKey();
            using (var last = Start(toolDll, env, lastKey))
            {
                await last.WaitForExitAsync();
                ledger.Finished(last, lastKey);
            }
            ledger.Check("final add");
            var stale = Directory.EnumerateFiles(dir.FullName, TempPrefix + "*", Hidden).Count();
            if (stale > 0)
            {
                ledger.Fail($"{stale} temporary files left beside the .env after a clean add");
            }
            return ledger.Report(options, parallel, stale, window, clock.Elapsed);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<int> ParallelAddsAsync(int count, string toolDll, string env, Ledger ledger)
    {
        var keys = Enumerable.Range(0, count).Select(_ => NewKey()).ToArray();
        var processes = keys.Select(k => Start(toolDll, env, k)).ToArray();
        var confirmed = 0;
        for (var i = 0; i < processes.Length; i++)
        {
            await processes[i].WaitForExitAsync();
            if (ledger.Finished(processes[i], keys[i]))
            {
                confirmed++;
            }
            processes[i].Dispose();
        }
        return confirmed;
    }

    /// <summary>Waits for the victim's temporary file, then kills it a random time into the write. Null when it finished first.</summary>
    private static KillMoment? KillDuringWrite(Process victim, string dir, TimeSpan window, Random random)
    {
        var pattern = $"{TempPrefix}{victim.Id}-*";
        var giveUp = Stopwatch.StartNew();
        while (!victim.HasExited && giveUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Directory.EnumerateFiles(dir, pattern, Hidden).Any())
            {
                // Up to 1.2 x the measured write: most kills land before the rename, some just after it.
                var delay = random.NextDouble() * window.TotalMilliseconds * 1.2;
                var wait = Stopwatch.StartNew();
                while (wait.Elapsed.TotalMilliseconds < delay)
                {
                    Thread.SpinWait(20);
                }
                return Kill(victim) ? KillMoment.DuringWrite : null;
            }
            Thread.Yield();
        }
        return Kill(victim) ? KillMoment.BeforeWriting : null;
    }

    private static async Task<KillMoment?> KillAtAnyMomentAsync(Process victim, int delayMs)
    {
        await Task.Delay(delayMs);
        return Kill(victim) ? KillMoment.AnyMoment : null;
    }

    private static bool Kill(Process victim)
    {
        try
        {
            if (victim.HasExited)
            {
                return false;
            }
            victim.Kill(entireProcessTree: false); // SIGKILL on Unix
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // exited between the check and the kill
        }
    }

    /// <summary>How long the process's temporary file exists (0 if it was never seen).</summary>
    private static TimeSpan MeasureWrite(Process process, string dir)
    {
        var pattern = $"{TempPrefix}{process.Id}-*";
        var seen = (Stopwatch?)null;
        var giveUp = Stopwatch.StartNew();
        while (giveUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            var present = Directory.EnumerateFiles(dir, pattern, Hidden).Any();
            if (present && seen is null)
            {
                seen = Stopwatch.StartNew();
            }
            else if (!present && seen is not null)
            {
                return seen.Elapsed;
            }
            else if (!present && process.HasExited)
            {
                return TimeSpan.Zero;
            }
            Thread.Yield();
        }
        return TimeSpan.Zero;
    }

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

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

    private enum KillMoment
    {
        DuringWrite,
        BeforeWriting,
        AnyMoment,
    }

    /// <summary>Keys confirmed so far, and what every check of the file found.</summary>
    private sealed class Ledger(string env)
    {
        private readonly List<string> _failures = [];
        private int _unparseable;
        private int _lostComments;
        private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
        private int _killedAtAnyMoment;
        private int _killedAfterRename;

        public List<string> Confirmed { get; } = [];

        public int Kills { get; private set; }

        public int KilledBeforeRename { get; private set; }

        /// <summary>Records a finished add; true when it reported success.</summary>
        public bool Finished(Process process, string key)
        {
            if (process.ExitCode != 0)
            {
                return false;
            }
            Confirmed.Add(key);
            return true;
        }

        public void Killed(KillMoment moment, bool keyInFile)
        {
            Kills++;
            switch (moment)
            {
                case KillMoment.DuringWrite when keyInFile:
                    _killedAfterRename++;
                    break;
                case KillMoment.DuringWrite:
                    KilledBeforeRename++;
                    break;
                case KillMoment.AnyMoment:
                    _killedAtAnyMoment++;
                    break;
                default:
                    Fail("a victim never started its write within 60 s and was killed then");
                    break;
            }
        }

        /// <summary>Reads and checks the file; returns its text (null if unreadable or unparseable).</summary>
        public string? Check(string when)
        {
            var text = File.ReadAllText(env);
            var result = PolicyLoader.Load(text, env);
            if (result.Policy is null)
            {
                _unparseable++;
                Fail($"{when}: unparseable: {string.Join("; ", result.Errors)}");
                return null;
            }
            if (!text.StartsWith(Comment, StringComparison.Ordinal))
            {
                _lostComments++;
                Fail($"{when}: the comment line is gone");
            }
            foreach (var key in Confirmed.Where(k => !result.Policy.AllowedNodeKeys.Contains(NodeKey.Parse(k))))
            {
                if (_lost.Add(key))
                {
                    Fail($"{when}: key {key[..16]} was reported added and is missing");
                }
            }
            return text;
        }

        public void Fail(string failure)
        {
            if (_failures.Count < 20)
            {
                _failures.Add(failure);
            }
        }

        public EditCrashReport Report(EditCrashOptions options, int parallelConfirmed, int stale, TimeSpan window, TimeSpan elapsed) => new()
        {
            ParallelAdds = options.Parallel,
            ParallelConfirmed = parallelConfirmed,
            Runs = options.Runs + options.LifetimeRuns,
            Killed = Kills,
            KilledBeforeRename = KilledBeforeRename,
            KilledAfterRename = _killedAfterRename,
            KilledAtAnyMoment = _killedAtAnyMoment,
            Unparseable = _unparseable,
            LostKeys = _lost.Count,
            LostComments = _lostComments,
            StaleTemporaries = stale,
            KeysConfirmed = Confirmed.Count,
            WriteWindow = window,
            Elapsed = elapsed,
            Failures = _failures,
        };
    }
}
