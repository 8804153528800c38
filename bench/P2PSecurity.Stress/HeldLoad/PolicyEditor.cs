using P2PSecurity.Core.Policy;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.HeldLoad;

/// <summary>
/// Edits the held-load .env on a schedule, each time a real change the server must apply: the block list names a
/// different documentation address (never a harness client) and the message limit alternates between two values
/// that both leave the harness's traffic under the limit. Each edit is written in place in pieces (1 KiB by default),
/// each its own write(2), as a program that writes line by line does (the file is over 4 KiB: 64 keys), so that a reload can land
/// between two pieces and find a prefix of the new file; the editor waits for the server to announce the new
/// revision before the next tick, timing how long that took.
/// </summary>
internal sealed class PolicyEditor(TempFolder folder, string allowedKeys, int pieceBytes)
{
    /// <summary>Blocked in every revision: the address of the harness's check flood.</summary>
    public const string CheckFloodSource = "127.66.0.1";

    private readonly List<TimeSpan> _latencies = [];
    private readonly List<string> _misses = [];

    public int Edits { get; private set; }

    /// <summary>Edits whose revision the server announced within the bound.</summary>
    public int Applied => _latencies.Count;

    /// <summary>From writing the file to the server's <c>policy_reloaded</c> line.</summary>
    public LatencySummary Latency => LatencySummary.Of(_latencies);

    public IReadOnlyList<string> Misses => _misses;

    /// <summary>The policy at revision <paramref name="edit"/>.</summary>
    public string Env(int edit) => new HarnessEnv()
        .Set(PolicyKeys.AllowedNodeKeys, allowedKeys)
        .Set(PolicyKeys.HandshakeTimeout, "30s")
        .Set(PolicyKeys.MaxConnectionsPerIp, 2)
        .Set(PolicyKeys.MessageRateLimit, edit % 2 == 0 ? "60/min" : "120/min")
        .Set(PolicyKeys.BlockedIpAddresses, $"192.0.2.{1 + (edit % 250)}, 198.51.100.0/24, {CheckFloodSource}")
        .ToString();

    public void WriteInitial() => folder.WriteEnv(Env(0));

    /// <summary>
    /// Edits once per <paramref name="interval"/> until <paramref name="stop"/>; after each edit, waits up to
    /// <paramref name="bound"/> for the server to put it in force (revision <paramref name="revision"/> + 1, + 2, ...).
    /// </summary>
    public async Task RunAsync(ServerUnderTest server, long revision, TimeSpan interval, TimeSpan bound, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                WriteInPieces(Env(++Edits));
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    await server.WaitForOutputAsync($"policy_reloaded revision={revision + 1} ", bound);
                    revision++;
                    _latencies.Add(clock.Elapsed);
                }
                catch (HarnessException)
                {
                    _misses.Add($"edit {Edits} was not in force {bound.TotalSeconds:0} s after it was written (expected revision {revision + 1})");
                    revision = server.Output.Collected("policy").Select(Revision).DefaultIfEmpty(revision).Max();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The hold is over.
            return;
        }
    }

    /// <summary>Truncates the .env and writes it again in pieces, each a separate system call (no buffering).</summary>
    private void WriteInPieces(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        using var stream = new FileStream(folder.EnvPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var piece = pieceBytes > 0 ? pieceBytes : bytes.Length;
        for (var offset = 0; offset < bytes.Length; offset += piece)
        {
            stream.Write(bytes, offset, Math.Min(piece, bytes.Length - offset));
        }
    }

    private static long Revision(string line) =>
        System.Text.RegularExpressions.Regex.Match(line, @"policy_reloaded revision=(\d+)") is { Success: true } m
            ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;
}
