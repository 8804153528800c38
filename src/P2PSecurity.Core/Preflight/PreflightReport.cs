using System.Text.Json.Serialization;

namespace P2PSecurity.Core.Preflight;

/// <summary>Everything a preflight found, in the order checked. Ready to start when there is no [ERR].</summary>
public sealed class PreflightReport
{
    public bool Ok { get; set; }

    /// <summary>The policy file checked (full path).</summary>
    public string PolicyPath { get; set; } = string.Empty;

    public int Errors { get; set; }

    public int Warnings { get; set; }

    public List<PreflightCheck> Checks { get; set; } = [];

    public static PreflightReport Of(string policyPath, List<PreflightCheck> checks) => new()
    {
        PolicyPath = policyPath,
        Checks = checks,
        Errors = checks.Count(c => c.Status == PreflightStatus.Err),
        Warnings = checks.Count(c => c.Status == PreflightStatus.Warn),
        Ok = checks.TrueForAll(c => c.Status != PreflightStatus.Err),
    };

    /// <summary>One line per check, then a summary line.</summary>
    public void WriteText(TextWriter output)
    {
        foreach (var check in Checks)
        {
            output.WriteLine(check.ToString());
        }
        var summary = $"{Errors} error{(Errors == 1 ? "" : "s")}, {Warnings} warning{(Warnings == 1 ? "" : "s")}";
        output.WriteLine(Ok ? $"preflight: {summary}; ready to start" : $"preflight: {summary}; the server would not start safely");
    }

    /// <summary>One line of JSON (snake_case), the same from the server's <c>--check --json</c> and the tool's <c>preflight --json</c>.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, PreflightJsonContext.Default.PreflightReport);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PreflightReport))]
internal sealed partial class PreflightJsonContext : JsonSerializerContext;
