using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>A SecurityManager on a real policy file in a temp folder, with hand-driven time and a capturing log.</summary>
internal sealed class ManagerHarness : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ManagerHarness(string? policyText)
    {
        PolicyPath = _dir.File(".env");
        if (policyText is not null)
        {
            Write(policyText);
        }
        Manager = SecurityManager.Create(PolicyPath, Logger, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public CapturingLogger Logger { get; } = new();

    public string PolicyPath { get; }

    public SecurityManager Manager { get; }

    public TempDirectory Directory => _dir;

    public void Write(string text) => _dir.Write(".env", text);

    /// <summary>Writes the file and reloads as the control channel would; returns the result.</summary>
    public ReloadResult Apply(string text)
    {
        Write(text);
        return Manager.Reload("test");
    }

    public void Dispose()
    {
        Manager.Dispose();
        _dir.Dispose();
    }
}
