namespace P2PSecurity.Core.Policy;

/// <summary>The outcome of reading a policy file: a policy when there were no errors, and every finding.</summary>
public sealed record PolicyLoadResult(SecurityPolicy? Policy, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public IEnumerable<PolicyDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);

    public IEnumerable<PolicyDiagnostic> Warnings => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning);

    public bool IsValid => Policy is not null;

    /// <summary>
    /// The secret files this load read or looked for (full paths), also when it failed: a reload that was refused for
    /// a secret file's mode is tried again when that file changes.
    /// </summary>
    public IReadOnlyList<string> SecretFiles { get; init; } = [];

    /// <summary>The parsed long lists, for the next load to reuse (see <see cref="PolicyParseCache"/>).</summary>
    internal PolicyParseCache? Parsed { get; init; }
}
