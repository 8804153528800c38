namespace P2PSecurity.Core.Preflight;

/// <summary>One line of a preflight: what was checked, how it ended, and for a problem, what to do.</summary>
public sealed record PreflightCheck
{
    public PreflightStatus Status { get; init; }

    /// <summary>Which check: <c>policy</c>, <c>identity</c>, <c>secret</c>, <c>listen</c>, <c>control_socket</c>, <c>log_file</c>, <c>lockdown</c>.</summary>
    public string Check { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;

    /// <summary>What to do about a warning or an error; null for [OK].</summary>
    public string? Fix { get; init; }

    public static PreflightCheck Ok(string check, string message) => new() { Status = PreflightStatus.Ok, Check = check, Message = message };

    public static PreflightCheck Warn(string check, string message, string? fix = null) => new() { Status = PreflightStatus.Warn, Check = check, Message = message, Fix = fix };

    public static PreflightCheck Err(string check, string message, string? fix) => new() { Status = PreflightStatus.Err, Check = check, Message = message, Fix = fix };

    /// <summary><c>[OK] policy ...</c>, <c>[ERR] identity ... (chmod 600 ...)</c>.</summary>
    public override string ToString()
    {
        var tag = Status switch
        {
            PreflightStatus.Ok => "[OK]",
            PreflightStatus.Warn => "[WARN]",
            _ => "[ERR]",
        };
        return Fix is null ? $"{tag} {Message}" : $"{tag} {Message} ({Fix})";
    }
}
