using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>The policy file at start is invalid: the server must not start. The message lists every error.</summary>
public sealed class PolicyLoadException(string path, IReadOnlyList<PolicyDiagnostic> diagnostics)
    : Exception($"{path} is not a valid policy:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)))
{
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; } = diagnostics;
}
