using System.Text.Json.Serialization;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools.Output;

/// <summary>Source-generated JSON for the tools' --json output (no reflection: the tools publish as Native AOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorOutput))]
[JsonSerializable(typeof(EditOutput))]
[JsonSerializable(typeof(ListOutput))]
[JsonSerializable(typeof(KeygenOutput))]
[JsonSerializable(typeof(CheckOutput))]
[JsonSerializable(typeof(WatchEvent))]
[JsonSerializable(typeof(ControlResponse))]
public sealed partial class ToolJsonContext : JsonSerializerContext;
