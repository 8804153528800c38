using P2PSecurity.Core.Identity;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>
/// Node keys written in another case, with ':' separators or a <c>sha256:</c> prefix, and a later lower-case
/// <c>blocked_node_keys=</c> line: a block written differently must still block, and an allowed key written
/// differently must still be allowed (controls). Success: a blocked or unlisted node is welcomed.
/// </summary>
internal static class KeyFormAttacks
{
    private const string Group = "key-forms";

    public static async Task<List<Attempt>> RunAsync(ImpersonationContext context, CancellationToken ct)
    {
        var cast = context.Cast;
        return
        [
            await TryAsync(context, "allowed-written-upper-case", cast.Victim, control: true, ct),
            await TryAsync(context, "allowed-written-with-colons", cast.Colons, control: true, ct),
            await TryAsync(context, "allowed-written-sha256-prefix-mixed-case", cast.Prefixed, control: true, ct),
            await TryAsync(context, "blocked-written-upper-case-with-colons", cast.BlockedColons, control: false, ct),
            await TryAsync(context, "blocked-written-SHA256-prefix-upper-case", cast.BlockedPrefixed, control: false, ct),
            await TryAsync(context, "unlisted-node", cast.Attacker, control: false, ct),
        ];
    }

    private static async Task<Attempt> TryAsync(ImpersonationContext context, string name, NodeIdentity identity, bool control, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(context.StepTimeout);
        await using var connection = await TlsConnection.ConnectAsync(context.EndPoint, context.Addresses.Next(), identity.Certificate, cts.Token);
        var outcome = await NodeHandshake.RunAsync(connection.Tls, NodeHandshake.Genuine(context.Secret, identity.NodeKey), cts.Token);
        return new Attempt(Group, name, control, AttemptStage.Welcomed, NetworkKeyReplayAttacks.Stage(outcome), outcome.ToString());
    }
}
