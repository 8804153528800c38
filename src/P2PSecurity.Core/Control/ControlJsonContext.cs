using System.Text.Json.Serialization;

namespace P2PSecurity.Core.Control;

/// <summary>
/// Source-generated JSON for the control protocol: no reflection, so the tools publish as Native AOT. A request that
/// names a property twice (<c>{"type":"status","type":"reload"}</c>) is malformed, not read as whichever came last.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 16,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
public sealed partial class ControlJsonContext : JsonSerializerContext;
