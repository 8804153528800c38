using System.Text;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>A fresh folder under the system temp folder, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "p2ps-core-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes UTF-8 text without a BOM and returns the full path.</summary>
    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException ex)
        {
            // A leftover temp folder must not fail a test that passed; say so for whoever looks.
            Console.Error.WriteLine($"could not remove {Path}: {ex.Message}");
        }
    }
}
