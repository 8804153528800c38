using System.Text.Json.Serialization;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Control;

/// <summary>A <see cref="PolicyDiagnostic"/> on the wire, with its printed form so every tool shows it the same way.</summary>
public sealed class DiagnosticInfo
{
    /// <summary>"error" or "warning".</summary>
    public string Severity { get; set; } = string.Empty;

    public int? Line { get; set; }

    public string? Key { get; set; }

    public string? Value { get; set; }

    public string Message { get; set; } = string.Empty;

    /// <summary><c>KEY line N: 'value' message</c>.</summary>
    public string Text { get; set; } = string.Empty;

    [JsonIgnore]
    public bool IsError => Severity == "error";

    public static DiagnosticInfo From(PolicyDiagnostic d) => new()
    {
        Severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
        Line = d.Line,
        Key = d.Key,
        Value = d.Value,
        Message = d.Message,
        Text = d.ToString(),
    };
}
