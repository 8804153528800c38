using P2PSecurity.Core.Security;
using P2PSecurity.Core.Protocol;

namespace P2PSecurity.Stress.Wire;

/// <summary>
/// How far a node handshake got: the server's hello (null if none came), its answer (Welcome, Refusal, or null
/// when it closed), and the challenge the client sent.
/// </summary>
public sealed record NodeHandshakeOutcome(ServerHelloMessage? Hello, NodeMessage? Answer, byte[] ClientChallenge)
{
    public bool Welcomed => Answer is WelcomeMessage;

    public override string ToString() => Answer switch
    {
        WelcomeMessage => "welcomed",
        RefusalMessage r => $"refused: {r.Reason.Code()}",
        null when Hello is null => "closed before ServerHello",
        null => "closed after ClientHello",
        _ => $"unexpected {Answer.Type}",
    };
}
