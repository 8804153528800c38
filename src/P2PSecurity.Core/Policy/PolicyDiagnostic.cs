namespace P2PSecurity.Core.Policy;

/// <summary>How serious a finding about a policy file is.</summary>
public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// One finding about a policy file: what (key and value), where (line), and what would be valid.
/// Printed as <c>BLOCKED_IP_ADDRESSES line 14: '10.0.0.0/33' is not a valid CIDR (IPv4 prefix is 0-32)</c>.
/// </summary>
public sealed record PolicyDiagnostic(DiagnosticSeverity Severity, int? Line, string? Key, string? Value, string Message)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var where = (Key, Line) switch
        {
            (not null, not null) => $"{Key} line {Line}: ",
            (not null, null) => $"{Key}: ",
            (null, not null) => $"line {Line}: ",
            _ => string.Empty,
        };
        return Value is null ? where + Message : $"{where}'{Logging.LogText.Escape(Value)}' {Message}";
    }
}
