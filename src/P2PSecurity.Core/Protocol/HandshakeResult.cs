using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Protocol;

/// <summary>How a node handshake ended: welcomed, refused with a reason, or failed with an error.</summary>
public sealed record HandshakeResult(WelcomeMessage? Welcome, RefusalMessage? Refusal, string? Error)
{
    public bool Welcomed => Welcome is not null;

    /// <summary>The refusal's reason, or <see cref="DenyReason.None"/> when welcomed or failed otherwise.</summary>
    public DenyReason Reason => Refusal?.Reason ?? DenyReason.None;

    public override string ToString() =>
        Welcomed ? "welcomed" : Refusal is not null ? $"refused: {Refusal.Reason.Code()}" : $"failed: {Error}";
}
