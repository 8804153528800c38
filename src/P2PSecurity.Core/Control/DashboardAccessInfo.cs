namespace P2PSecurity.Core.Control;

/// <summary>
/// The answer to <c>dashboard-url</c> (a login URL with a one-time code, and when it expires) and to
/// <c>dashboard-password</c> (where the salted hash is kept). Never holds the token or a password.
/// </summary>
public sealed class DashboardAccessInfo
{
    /// <summary>dashboard-url: the login URL; its code is good once, until <see cref="ExpiresAt"/>.</summary>
    public string? Url { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>dashboard-password: the file with the password's salted hash (0600, beside the policy file).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>dashboard-password: how the password is hashed, e.g. <c>pbkdf2-sha256, 600000 iterations</c>.</summary>
    public string? Hash { get; set; }
}
