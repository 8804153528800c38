namespace P2PSecurity.Stress.Infrastructure;

/// <summary>A temporary folder for one run: the server's .env, identity and security log. Deleted afterwards.</summary>
public sealed class HarnessFolder : IDisposable
{
    public HarnessFolder()
    {
        Path = Directory.CreateTempSubdirectory("p2psecurity-stress-").FullName;
    }

    public string Path { get; }

    public string EnvPath => File("server.env");

    /// <summary>SECURITY_LOG_FILE as the harness .env files name it (relative paths resolve next to the .env).</summary>
    public string LogPath => File("security.log");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes the .env in place, as an operator's editor would; the server notices at its next check.</summary>
    public void WriteEnv(string content) => System.IO.File.WriteAllText(EnvPath, content);

    /// <summary>Lines in the security log (read while the server may still be writing it).</summary>
    public IReadOnlyList<string> ReadLogLines()
    {
        if (!System.IO.File.Exists(LogPath))
        {
            return [];
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }
        return lines;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException ex)
        {
            // A server that has not quite exited may still hold its log; the folder is under the temp directory.
            Console.Error.WriteLine($"could not delete {Path}: {ex.Message}");
        }
    }
}
