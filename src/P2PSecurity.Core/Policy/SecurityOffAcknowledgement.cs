using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// <c>ENABLE_P2P_SECURITY=false</c> opens every gate, so it counts only with <c>SECURITY_OFF_ACK=I_UNDERSTAND</c> in
/// the same file: a file that turns security off without it is invalid. The one deliberate break with the earlier
/// system's files, where the switch alone was enough.
/// </summary>
internal static class SecurityOffAcknowledgement
{
    public const string Phrase = "I_UNDERSTAND";

    public static void Check(IReadOnlyDictionary<string, EnvAssignment> values, List<PolicyDiagnostic> diagnostics)
    {
        var line = values.GetValueOrDefault(PolicyKeys.EnableSecurity)?.Line;
        if (!values.TryGetValue(PolicyKeys.SecurityOffAck, out var ack) || ack.Value.Trim().Length == 0)
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, line, PolicyKeys.EnableSecurity, null,
                $"is false, which opens every gate (no address, key or rate is checked); to mean it, add the line {PolicyKeys.SecurityOffAck}={Phrase} to this file"));
            return;
        }
        if (!string.Equals(ack.Value.Trim(), Phrase, StringComparison.Ordinal))
        {
            diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, ack.Line, PolicyKeys.SecurityOffAck, EnvFileParser.Truncate(ack.Value.Trim()),
                $"is not the acknowledgement; ENABLE_P2P_SECURITY=false needs exactly {PolicyKeys.SecurityOffAck}={Phrase}"));
            return;
        }
        diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Warning, line, PolicyKeys.EnableSecurity, null,
            $"is false ({PolicyKeys.SecurityOffAck}={Phrase}): every gate is open, no address, key or rate is checked"));
    }
}
