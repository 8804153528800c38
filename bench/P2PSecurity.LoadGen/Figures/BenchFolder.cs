using P2PSecurity.LoadGen.Arms;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>A temporary folder for one arm: its .env, identity and security log. Deleted afterwards.</summary>
internal sealed class BenchFolder : IDisposable
{
    private BenchFolder(string path) => Path = path;

    public string Path { get; }

    /// <param name="env">The policy file's text; null writes none (bare arms).</param>
    public static BenchFolder Create(string name, string? env)
    {
        var folder = new BenchFolder(Directory.CreateTempSubdirectory($"p2psecurity-loadgen-{name}-").FullName);
        if (env is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(folder.Path, ".env"), env);
        }
        return folder;
    }

    public ArmSpec Arm(string name, ArmKind kind) => new(name, kind, Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException ex)
        {
            // A server process that has not quite exited may still hold its log; the folder is under /tmp.
            Console.Error.WriteLine($"could not delete {Path}: {ex.Message}");
        }
    }
}
