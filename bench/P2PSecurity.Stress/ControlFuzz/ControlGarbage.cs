using System.Text;
using P2PSecurity.Core.Control;

namespace P2PSecurity.Stress.ControlFuzz;

/// <summary>What one hostile control request does.</summary>
public enum GarbageKind
{
    RandomBytes,
    RandomBytesWithNewline,
    TruncatedJson,
    WrongShape,
    DeepNesting,
    UnknownType,
    UnsupportedVersion,
    Oversized,
    InvalidUtf8,
    NulInString,
    RelativePath,
    CheckLiveWithGarbageText,
    SilentAfterPart,
}

/// <summary>Builds the bytes of a hostile control request of each kind.</summary>
internal sealed class ControlGarbage(Random random)
{
    private static readonly string[] Shapes =
    [
        "[]", "\"status\"", "123", "null", "true", "{}", "{\"version\":\"1\",\"type\":\"status\"}", "{\"version\":1,\"type\":7}",
        "{\"version\":1,\"type\":null}", "{\"version\":1.5,\"type\":\"status\"}", "{\"version\":1,\"type\":\"status\",\"type\":\"reload\"}",
        "{\"version\":1,\"type\":\"check-live\",\"path\":42}", "{\"version\":1,\"type\":\"check-live\",\"text\":[\"a\"]}",
        "{\"version\":99999999999999999999,\"type\":\"status\"}", "{'version':1,'type':'status'}", "{\"version\":1,\"type\":\"status\"",
    ];

    /// <summary>True for kinds that are valid requests (answered, not necessarily with an error).</summary>
    public static bool IsValidRequest(GarbageKind kind) => kind == GarbageKind.CheckLiveWithGarbageText;

    public byte[] Build(GarbageKind kind) => kind switch
    {
        GarbageKind.RandomBytes => Bytes(1, 4096),
        GarbageKind.RandomBytesWithNewline => [.. Bytes(1, 4096), (byte)'\n'],
        GarbageKind.TruncatedJson => Valid()[..random.Next(1, Valid().Length - 1)],
        GarbageKind.WrongShape => Line(Shapes[random.Next(Shapes.Length)]),
        GarbageKind.DeepNesting => Line(string.Concat(Enumerable.Repeat("{\"a\":", random.Next(65, 20_000))) + "1"),
        GarbageKind.UnknownType => Line($"{{\"version\":{ControlProtocol.Version},\"type\":\"{Word()}\"}}"),
        GarbageKind.UnsupportedVersion => Line($"{{\"version\":{random.Next(2, int.MaxValue)},\"type\":\"status\"}}"),
        GarbageKind.Oversized => Line($"{{\"version\":1,\"type\":\"check-live\",\"text\":\"{new string('x', random.Next(ControlProtocol.MaxRequestBytes, 1024 * 1024))}\"}}"),
        GarbageKind.InvalidUtf8 => [.. Encoding.UTF8.GetBytes("{\"version\":1,\"type\":\"st"), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("atus\"}\n")],
        GarbageKind.NulInString => Line("{\"version\":1,\"type\":\"status\0\"}"),
        GarbageKind.RelativePath => Line("{\"version\":1,\"type\":\"check-live\",\"path\":\"../" + Word() + "/.env\"}"),
        GarbageKind.CheckLiveWithGarbageText => Line("{\"version\":1,\"type\":\"check-live\",\"text\":" +
            System.Text.Json.JsonSerializer.Serialize(Encoding.Latin1.GetString(Bytes(0, 2048))) + "}"),
        _ => Valid()[..random.Next(1, Valid().Length - 1)],
    };

    /// <summary>A request every server must answer with ok: the control that it still serves.</summary>
    public static byte[] Status() => Line($"{{\"version\":{ControlProtocol.Version},\"type\":\"status\"}}");

    private static byte[] Valid() => Status();

    private static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    private string Word() => string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => (char)random.Next('a', 'z' + 1)));

    private byte[] Bytes(int min, int max)
    {
        var bytes = new byte[random.Next(min, max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }
}
