using P2PSecurity.Core.Policy;
using P2PSecurity.Stress.Infrastructure;

namespace P2PSecurity.Stress.HeldLoad;

/// <summary>
/// Edits the held-load .env on a schedule, each time a real change the server must apply: the block list names a
/// different documentation address (never a harness client) and the message limit alternates between two values
/// that both leave the harness's traffic under the limit. Each edit is written in place, as an editor would.
/// </summary>
internal sealed class PolicyEditor(HarnessFolder folder, string allowedKeys)
{
    public int Edits { get; private set; }

    /// <summary>The policy at revision <paramref name="edit"/>.</summary>
    public string Env(int edit) => new HarnessEnv()
        .Set(PolicyKeys.AllowedNodeKeys, allowedKeys)
        .Set(PolicyKeys.HandshakeTimeout, "30s")
        .Set(PolicyKeys.MaxConnectionsPerIp, 2)
        .Set(PolicyKeys.MessageRateLimit, edit % 2 == 0 ? "60/min" : "120/min")
        .Set(PolicyKeys.BlockedIpAddresses, $"192.0.2.{1 + (edit % 250)}, 198.51.100.0/24")
        .ToString();

    public void WriteInitial() => folder.WriteEnv(Env(0));

    /// <summary>Edits once per <paramref name="interval"/> until <paramref name="stop"/>.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                folder.WriteEnv(Env(++Edits));
            }
        }
        catch (OperationCanceledException)
        {
            // The hold is over.
            return;
        }
    }
}
