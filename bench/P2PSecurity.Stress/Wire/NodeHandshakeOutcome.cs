using P2PSecurity.Core.Security;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Stress.Wire;

/// <summary>
/// How far a node handshake got: the server's hello (null if none came), its answer (Welcome, Refusal, or null
/// when it closed; a Refusal sent in place of the hello, when TLS made the client's key known, is the answer too),
/// and the challenge the client sent.
/// </summary>
public sealed record NodeHandshakeOutcome(ServerHelloMessage? Hello, NodeMessage? Answer, byte[] ClientChallenge)
{
    public bool Welcomed => Answer is WelcomeMessage;

    /// <summary>True when the server got past TLS with this client: it sent a ServerHello, or a Refusal in its place (the secured stage).</summary>
    public bool PastTls => Hello is not null || Answer is RefusalMessage;

    public override string ToString() => Answer switch
    {
        WelcomeMessage => "welcomed",
        RefusalMessage r when Hello is null => $"refused after TLS, before ServerHello: {r.Reason.Code()}",
        RefusalMessage r => $"refused: {r.Reason.Code()}",
        null when Hello is null => "closed before ServerHello",
        null => "closed after ClientHello",
        _ => $"unexpected {Answer.Type}",
    };
}
