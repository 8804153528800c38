using System.Text;

namespace P2PSecurity.TestSupport;

/// <summary>
/// A fresh folder under the system temp folder for one test: its .env, identity, log, control socket, database.
/// Deleted on dispose.
/// </summary>
public sealed class TempFolder : IDisposable
{
    private static readonly UTF8Encoding Utf8NoBom = new(false);

    /// <param name="envText">When given, written to <see cref="EnvPath"/> at once.</param>
    public TempFolder(string? envText = null)
    {
        Path = Directory.CreateTempSubdirectory("p2ps-test-").FullName;
        if (envText is not null)
        {
            WriteEnv(envText);
        }
    }

    public string Path { get; }

    public string EnvPath => File(".env");

    /// <summary>Where the server opens its control socket for <see cref="EnvPath"/>.</summary>
    public string SocketPath => File("p2psecurity.sock");

    /// <summary>SECURITY_LOG_FILE as the tests' .env files name it.</summary>
    public string LogPath => File("security.log");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes UTF-8 text without a BOM and returns the full path.</summary>
    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text, Utf8NoBom);
        return path;
    }

    /// <summary>Writes the .env in place, as an operator's editor or <c>echo &gt;&gt;</c> would.</summary>
    public void WriteEnv(string content) => Write(".env", content);

    /// <summary>Replaces the .env by rename, as manage_trusted_nodes and an editor's safe save do.</summary>
    public void ReplaceEnv(string content)
    {
        var temp = Write(".env.new", content);
        System.IO.File.Move(temp, EnvPath, overwrite: true);
    }

    /// <summary>Reads the security log while the server still holds it open for writing.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Deletes the folder; a second call (a server fixture that owns the folder, then the test) does nothing. A file
    /// still held (a server process that has not quite exited) leaves the folder under /tmp, said on stderr.
    /// </summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"could not delete {Path}: {ex.Message}");
        }
    }
}
