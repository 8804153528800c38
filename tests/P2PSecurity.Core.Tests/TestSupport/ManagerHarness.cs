using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.TestSupport;

/// <summary>A SecurityManager on a real policy file in a temp folder, with hand-driven time and a capturing log.</summary>
internal sealed class ManagerHarness : IDisposable
{
    private readonly TempFolder _dir = new();

    /// <param name="policyText">The file's first content; null: no file.</param>
    /// <param name="settle">
    /// Keep the production wait for in-place writes to settle (InPlaceWriteTests). Off by default: these tests write
    /// the file in place and check at once, to test what a reload reads, not when.
    /// </param>
    /// <param name="fileClock">
    /// Start the fake clock ten minutes before the real one, so that <see cref="ClockAtFileChange"/> can move it to
    /// a file's change time (tests of the settle and racy windows). Otherwise it starts in 2030, long after every
    /// file change: nothing is ever held or racy.
    /// </param>
    public ManagerHarness(string? policyText, bool settle = false, bool fileClock = false)
    {
        Time = new FakeTimeProvider(fileClock ? DateTimeOffset.UtcNow.AddMinutes(-10) : new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        PolicyPath = _dir.File(".env");
        if (policyText is not null)
        {
            Write(policyText);
        }
        Manager = SecurityManager.Create(PolicyPath, Logger, Time);
        if (!settle)
        {
            Manager.SettleWindow = TimeSpan.Zero;
        }
    }

    public FakeTimeProvider Time { get; }

    public CapturingLogger Logger { get; } = new();

    public string PolicyPath { get; }

    public SecurityManager Manager { get; }

    public TempFolder Directory => _dir;

    public void Write(string text) => _dir.Write(".env", text);

    /// <summary>The policy file's last change (its ctime, the kernel's clock), rounded up to the clock's 100 ns.</summary>
    public DateTimeOffset FileChangedAt => DateTimeOffset.UnixEpoch.AddTicks((FileStamp.Read(PolicyPath).ChangedNs + 99) / 100);

    /// <summary>Moves the fake clock to the policy file's last change: as if no time had passed since the write.</summary>
    public void ClockAtFileChange()
    {
        var at = FileChangedAt;
        if (at > Time.GetUtcNow())
        {
            Time.SetUtcNow(at);
        }
    }

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
