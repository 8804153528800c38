using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Secrets;

/// <summary>A policy folder with a secret file and a credentials folder, for the secret-source tests.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class SecretSources : IDisposable
{
    private readonly TempFolder _dir = new();

    public SecretSources()
    {
        Directory.CreateDirectory(CredentialsDirectory);
    }

    public string Folder => _dir.Path;

    public string EnvPath => _dir.File(".env");

    public string CredentialsDirectory => _dir.File("credentials");

    public string CredentialPath => Path.Combine(CredentialsDirectory, "network_secret_key");

    /// <summary>Writes the .env with mode 0600 (a secret in a shared .env is warned about).</summary>
    public string WriteEnv(string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        _dir.Write(".env", text);
        File.SetUnixFileMode(EnvPath, mode);
        return EnvPath;
    }

    /// <summary>Writes a secret file by rename (as an operator's tool would), with the given mode.</summary>
    public string WriteSecret(string name, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = _dir.File(name);
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.SetUnixFileMode(temp, mode);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
