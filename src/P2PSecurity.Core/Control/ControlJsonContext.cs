using System.Text.Json.Serialization;

namespace P2PSecurity.Core.Control;

/// <summary>Source-generated JSON for the control protocol: no reflection, so the tools publish as Native AOT.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 16)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
