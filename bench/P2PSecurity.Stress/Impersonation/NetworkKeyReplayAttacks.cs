using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>
/// NETWORK_SECRET_KEY is set. The attacker holds allowed identities (TLS passes) but not the secret, and has
/// captured network-key answers from sessions of nodes that know it. Success: a welcome.
/// </summary>
internal static class NetworkKeyReplayAttacks
{
    private const string Group = "network-key-replay";

    public static async Task<List<Attempt>> RunAsync(ImpersonationContext context, CancellationToken ct)
    {
        var victim = context.Cast.Victim;
        var results = new List<Attempt>();

        // A genuine session, whose answers are "captured": the client's proof and the server's proof in Welcome.
        byte[]? clientProof = null;
        var genuine = await ConnectAsync(context, victim, hello =>
        {
            clientProof = NetworkKeyProof.Compute(context.Secret, hello.Challenge, victim.NodeKey, hello.ServerKey);
            return clientProof;
        }, ct);
        results.Add(Result("fresh-proof-from-a-node-that-knows-the-secret", AttemptStage.Welcomed, genuine, control: true));
        var serverProof = (genuine.Answer as WelcomeMessage)?.Proof;
        if (clientProof is null || serverProof is null)
        {
            return results; // the control failed and says so; replays need its answers
        }

        results.Add(Result("client-proof-replayed-by-same-node", AttemptStage.Welcomed,
            await ConnectAsync(context, victim, _ => clientProof, ct)));
        results.Add(Result("client-proof-replayed-by-other-allowed-node", AttemptStage.Welcomed,
            await ConnectAsync(context, context.Cast.Colons, _ => clientProof, ct)));
        results.Add(Result("server-proof-reflected-as-client-proof", AttemptStage.Welcomed,
            await ConnectAsync(context, victim, _ => serverProof, ct)));
        results.Add(Result("no-proof", AttemptStage.Welcomed, await ConnectAsync(context, victim, _ => null, ct)));
        results.Add(Result("zero-proof", AttemptStage.Welcomed,
            await ConnectAsync(context, victim, _ => new byte[ProtocolConstants.ProofSize], ct)));
        results.Add(await ConcurrentReplayAsync(context, ct));
        return results;
    }

    /// <summary>
    /// Two sessions open at once: a node that knows the secret answers session A's challenge, and the attacker sends
    /// that answer in session B before A has finished. Challenges must be per connection, not per moment.
    /// </summary>
    private static async Task<Attempt> ConcurrentReplayAsync(ImpersonationContext context, CancellationToken ct)
    {
        var victim = context.Cast.Victim;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(context.StepTimeout);
        await using var a = await TlsConnection.ConnectAsync(context.EndPoint, context.Addresses.Next(), victim.Certificate, cts.Token);
        await using var b = await TlsConnection.ConnectAsync(context.EndPoint, context.Addresses.Next(), victim.Certificate, cts.Token);
        if (await Frames.ReadOrNullAsync(a.Tls, cts.Token) is not ServerHelloMessage helloA)
        {
            throw new Infrastructure.HarnessException($"{Group}: session A got no ServerHello");
        }
        var answerForA = NetworkKeyProof.Compute(context.Secret, helloA.Challenge, victim.NodeKey, helloA.ServerKey);
        var outcome = await NodeHandshake.RunAsync(b.Tls, _ => answerForA, cts.Token);
        return Result("proof-for-a-concurrent-session", AttemptStage.Welcomed, outcome);
    }

    private static async Task<NodeHandshakeOutcome> ConnectAsync(ImpersonationContext context, NodeIdentity identity,
        Func<ServerHelloMessage, byte[]?> proof, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(context.StepTimeout);
        await using var connection = await TlsConnection.ConnectAsync(context.EndPoint, context.Addresses.Next(), identity.Certificate, cts.Token);
        return await NodeHandshake.RunAsync(connection.Tls, proof, cts.Token);
    }

    private static Attempt Result(string name, AttemptStage successAt, NodeHandshakeOutcome outcome, bool control = false) =>
        new(Group, name, control, successAt, Stage(outcome), outcome.ToString());

    internal static AttemptStage Stage(NodeHandshakeOutcome outcome) =>
        !outcome.PastTls ? AttemptStage.TlsRefused : outcome.Welcomed ? AttemptStage.Welcomed : AttemptStage.NodeRefused;
}
