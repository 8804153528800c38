namespace P2PSecurity.Core.Control;

/// <summary>Why a request failed: a stable code from <see cref="ControlProtocol.ErrorCodes"/> and a sentence.</summary>
public sealed class ControlError
{
    public string Code { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;
}
