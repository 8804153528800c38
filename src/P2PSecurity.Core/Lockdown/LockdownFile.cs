using System.Text.Json.Serialization;

namespace P2PSecurity.Core.Lockdown;

/// <summary>The lockdown state file's content (JSON, snake_case), next to the policy file.</summary>
internal sealed class LockdownFile
{
    public int Version { get; set; } = 1;

    public bool Active { get; set; }

    public bool AllowTrusted { get; set; }

    public bool KeepSessions { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? Since { get; set; }

    public DateTimeOffset? Until { get; set; }

    /// <summary>When this file was written (a lift writes it too, as a record of the last change).</summary>
    public DateTimeOffset ChangedAt { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, AllowDuplicateProperties = false)]
[JsonSerializable(typeof(LockdownFile))]
internal sealed partial class LockdownFileJsonContext : JsonSerializerContext;
