namespace P2PSecurity.Stress.Impersonation;

/// <summary>How far a connection got into the server.</summary>
public enum AttemptStage
{
    /// <summary>Closed with no byte from the server: refused at the accept gate.</summary>
    ClosedBeforeTls,

    /// <summary>The server spoke TLS but the handshake did not let the client in (alert, close before ServerHello).</summary>
    TlsRefused,

    /// <summary>
    /// TLS completed and the server refused the node: a Refusal in place of ServerHello (its key, judged as soon as TLS
    /// made it known), or ServerHello then Refusal or close (the node gate).
    /// </summary>
    NodeRefused,

    Welcomed,
}

/// <summary>
/// One attack or control connection. An attack <see cref="Succeeded"/> when it reached <see cref="SuccessAt"/> or
/// further; a control is one the harness expects to reach exactly <see cref="SuccessAt"/>, proving that the
/// attack it stands beside could have been seen to succeed.
/// </summary>
public sealed record Attempt(string Group, string Name, bool IsControl, AttemptStage SuccessAt, AttemptStage Stage, string Detail)
{
    public bool Succeeded => !IsControl && Stage >= SuccessAt;

    public bool ControlFailed => IsControl && Stage != SuccessAt;

    public override string ToString() =>
        $"{(IsControl ? "control" : "attack ")} {Group}/{Name}: {Stage} ({Detail})" +
        (Succeeded ? "  <== ATTACK SUCCEEDED" : ControlFailed ? $"  <== CONTROL FAILED (expected {SuccessAt})" : "");
}
