using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using P2PSecurity.Core.Editing;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The dashboard's optional login password (<c>reload_security dashboard-password</c>), kept in
/// <c>dashboard.password</c> beside the policy file (0600) as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>: a
/// PBKDF2-HMAC-SHA256 hash with a 16-byte random salt, never the password. While the file exists the login page asks
/// for the password instead of the token; the token still works for <c>Authorization: Bearer</c>. The file is read at
/// each login, so deleting it goes back to the token without a restart.
/// </summary>
internal sealed class DashboardPassword(string path)
{
    public const string FileName = "dashboard.password";

    public const int MinLength = 12;

    public const int MaxLength = 1024;

    /// <summary>OWASP's figure for PBKDF2-HMAC-SHA256; logins are limited to 5 a minute, so the cost is affordable.</summary>
    public const int Iterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";

    public string Path { get; } = path;

    public static string Description => $"{Scheme}, {Iterations} iterations, 16-byte random salt";

    public bool IsSet => File.Exists(Path);

    /// <summary>Stores a salted hash of <paramref name="password"/> (atomically, owner-only).</summary>
    public void Set(string password)
    {
        Validate(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        var line = string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}\n");
        if (!OperatingSystem.IsWindows() && File.Exists(Path))
        {
            File.SetUnixFileMode(Path, AtomicFile.NewFileMode); // the atomic write keeps the old mode: make that owner-only
        }
        AtomicFile.Write(Path, Encoding.UTF8.GetBytes(line));
    }

    /// <summary>True when a password is set and <paramref name="candidate"/> is it. A file that cannot be read or parsed matches nothing.</summary>
    public bool Matches(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength)
        {
            return false;
        }
        string text;
        try
        {
            text = File.ReadAllText(Path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        var parts = text.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 1 or > 10_000_000)
        {
            return false;
        }
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(candidate, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong; the message never holds the password.</summary>
    public static void Validate(string password)
    {
        if (password.Length < MinLength)
        {
            throw new ArgumentException($"the password is too short: at least {MinLength} characters");
        }
        if (password.Length > MaxLength)
        {
            throw new ArgumentException($"the password is too long: at most {MaxLength} characters");
        }
        if (password.Any(char.IsControl))
        {
            throw new ArgumentException("the password has a control character (a tab, a newline, ...)");
        }
    }
}
