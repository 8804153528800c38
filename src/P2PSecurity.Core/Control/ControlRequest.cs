namespace P2PSecurity.Core.Control;

/// <summary>A request on the control channel: <c>{"version":1,"type":"status"}</c>.</summary>
public sealed class ControlRequest
{
    public int Version { get; set; } = ControlProtocol.Version;

    /// <summary>One of <see cref="ControlProtocol.Requests"/>.</summary>
    public string? Type { get; set; }

    /// <summary>check-live: a candidate policy file, absolute path, read by the server.</summary>
    public string? Path { get; set; }

    /// <summary>check-live: a candidate policy's text, when it fits in a request.</summary>
    public string? Text { get; set; }

    public static ControlRequest Of(string type) => new() { Type = type };
}
