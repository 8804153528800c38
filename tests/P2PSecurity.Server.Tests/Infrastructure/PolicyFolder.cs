namespace P2PSecurity.Server.Tests.Infrastructure;

/// <summary>A temporary folder holding a test's .env, identity and log; deleted afterwards.</summary>
public sealed class PolicyFolder : IDisposable
{
    public PolicyFolder()
    {
        Path = Directory.CreateTempSubdirectory("p2psecurity-test-").FullName;
    }

    public string Path { get; }

    public string EnvPath => System.IO.Path.Combine(Path, ".env");

    public string LogPath => System.IO.Path.Combine(Path, "security.log");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes the .env in place, as an operator's editor or <c>echo &gt;&gt;</c> would.</summary>
    public void WriteEnv(string content) => System.IO.File.WriteAllText(EnvPath, content);

    /// <summary>Replaces the .env by rename, as manage_trusted_nodes and an editor's safe save do.</summary>
    public void ReplaceEnv(string content)
    {
        var temp = EnvPath + ".new";
        System.IO.File.WriteAllText(temp, content);
        System.IO.File.Move(temp, EnvPath, overwrite: true);
    }

    /// <summary>Reads the security log while the server still holds it open for writing.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException ex)
        {
            // A server process that has not quite exited may still hold a file; the folder is under /tmp.
            Console.Error.WriteLine($"could not delete {Path}: {ex.Message}");
        }
    }
}
