namespace P2PSecurity.Core.Policy;

/// <summary>
/// Which policy file a server or a tool uses: <c>--env-file PATH</c> when given; otherwise <c>.env.NAME</c> for a
/// profile (<c>--profile NAME</c>, or the environment variable <c>P2PSECURITY_PROFILE</c>); otherwise <c>.env</c>.
/// A profile whose file does not exist is an error, never the embedded defaults: a typo in "prod" must not start
/// a node with nothing blocked.
/// </summary>
public static class PolicyProfile
{
    public const string EnvironmentVariable = "P2PSECURITY_PROFILE";

    public const string DefaultFile = ".env";

    /// <summary>
    /// Resolves the file. <paramref name="profile"/> is the command line's, else the environment's (the caller passes
    /// <see cref="FromEnvironment"/>). Returns the path (relative to <paramref name="folder"/>) and the profile in
    /// force (null when none, or when --env-file won), or an error for a malformed profile name. Whether the
    /// profile's file exists is <see cref="Missing"/>: asked when the file is needed.
    /// </summary>
    public static (string Path, string? Profile, string? Error) Resolve(string? envFile, string? profile, string folder)
    {
        if (!string.IsNullOrEmpty(envFile))
        {
            return (envFile, null, null);
        }
        if (string.IsNullOrEmpty(profile))
        {
            return (DefaultFile, null, null);
        }
        if (!IsValidName(profile))
        {
            return (DefaultFile, null, $"profile '{Logging.LogText.Escape(profile)}' is not a profile name (letters, digits, '-', '_' and '.', e.g. prod, test, staging)");
        }
        return (Path.Combine(folder, DefaultFile + "." + profile), profile, null);
    }

    /// <summary>The error for a profile whose file does not exist, or null when there is no profile or the file exists.</summary>
    public static string? Missing(string? profile, string path) =>
        profile is null || File.Exists(path)
            ? null
            : $"profile '{profile}': {Path.GetFullPath(path)} does not exist (create it, or choose another profile; --env-file PATH names a file directly)";

    /// <summary>The profile named by <c>P2PSECURITY_PROFILE</c>, or null.</summary>
    public static string? FromEnvironment() => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } p ? p : null;

    private static bool IsValidName(string name) =>
        name.Length <= 64 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
