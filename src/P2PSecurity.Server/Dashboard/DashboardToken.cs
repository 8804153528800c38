using System.Security.Cryptography;
using System.Text;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The dashboard's access token: 32 random bytes as hex in <c>dashboard.token</c> beside the policy file, mode 0600,
/// made at first start and never printed. Compared in constant time.
/// </summary>
internal sealed class DashboardToken
{
    public const string FileName = "dashboard.token";

    private readonly byte[] _value;

    private DashboardToken(string path, byte[] value, bool created)
    {
        Path = path;
        _value = value;
        Created = created;
    }

    public string Path { get; }

    public bool Created { get; }

    /// <summary>Reads the token file, or creates it (0600) when it does not exist.</summary>
    public static DashboardToken LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length < 32)
            {
                throw new IOException($"{path} holds no token (at least 32 characters); delete it to have a new one made");
            }
            return new DashboardToken(path, Encoding.UTF8.GetBytes(text), created: false);
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(token + "\n"));
        }
        return new DashboardToken(path, Encoding.UTF8.GetBytes(token), created: true);
    }

    /// <summary>True when <paramref name="candidate"/> is the token (constant time in the token's length).</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate.Trim()), _value);
}
