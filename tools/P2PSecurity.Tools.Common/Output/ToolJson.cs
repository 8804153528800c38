using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace P2PSecurity.Tools.Output;

/// <summary>The tools' JSON settings: source-generated types, and no escaping of quotes or '&lt;' meant for HTML.</summary>
public static class ToolJson
{
    public static ToolJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
