namespace P2PSecurity.Tools.Tests;

/// <summary>A temp folder holding a .env, deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string? envText = null)
    {
        Path = Directory.CreateTempSubdirectory("p2ps-tools-").FullName;
        if (envText is not null)
        {
            System.IO.File.WriteAllText(EnvPath, envText);
        }
    }

    public string Path { get; }

    public string EnvPath => System.IO.Path.Combine(Path, ".env");

    public string SocketPath => System.IO.Path.Combine(Path, "p2psecurity.sock");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder; a second call (a server fixture that owns the folder, then the test) does nothing.</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
