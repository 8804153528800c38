using System.Net;
using System.Net.Sockets;
using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Preflight;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Preflight;

/// <summary>The preflight checks one by one, on real files in a temp folder (no server runs).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PreflightRunnerTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempFolder _dir = new();

    [Fact]
    public async Task Run_SecretInAFileOthersCanRead_WarnsWithoutEverShowingTheValue()
    {
        const string secret = "s3cret-value-that-must-not-leak";
        var env = Write($"NETWORK_SECRET_KEY={secret}\n");
        File.SetUnixFileMode(env, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var report = await RunAsync();

        var check = Single(report, "secret");
        Assert.Equal(PreflightStatus.Warn, check.Status);
        Assert.Contains("has mode 0644", check.Message, StringComparison.Ordinal);
        Assert.Equal($"chmod 600 {env}", check.Fix);
        Assert.DoesNotContain(secret, report.ToJson(), StringComparison.Ordinal);
        using var text = new StringWriter();
        report.WriteText(text);
        Assert.DoesNotContain(secret, text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SecretInAnOwnerOnlyFile_IsOk()
    {
        File.SetUnixFileMode(Write("NETWORK_SECRET_KEY=0123456789abcdef0123\n"), OwnerOnly);

        var check = Single(await RunAsync(), "secret");

        Assert.Equal(PreflightStatus.Ok, check.Status);
        Assert.Contains("(value hidden)", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SecretKeyFileOwnerOnly_IsOkNamingTheFileNotTheValue()
    {
        const string secret = "key-file-value-that-must-not-leak";
        var keyFile = _dir.Write("network.key", secret + "\n");
        File.SetUnixFileMode(keyFile, OwnerOnly);
        File.SetUnixFileMode(Write("NETWORK_SECRET_KEY_FILE=network.key\n"), OwnerOnly);

        var report = await RunAsync();

        var check = Single(report, "secret");
        Assert.Equal(PreflightStatus.Ok, check.Status);
        Assert.Contains("NETWORK_SECRET_KEY_FILE", check.Message, StringComparison.Ordinal);
        Assert.Contains("network.key", check.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SecretKeyFileReadableByOthers_IsAnErrorNamingTheFileAndItsMode()
    {
        var keyFile = _dir.Write("network.key", "key-file-value-that-must-not-leak\n");
        File.SetUnixFileMode(keyFile, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(Write("NETWORK_SECRET_KEY_FILE=network.key\n"), OwnerOnly);

        var report = await RunAsync();

        Assert.Contains(report.Checks, c => c.Status == PreflightStatus.Err && c.Message.Contains("network.key", StringComparison.Ordinal) &&
            c.Message.Contains("0644", StringComparison.Ordinal));
        Assert.DoesNotContain("key-file-value-that-must-not-leak", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StateDatabaseThatIsNotSqlite_IsAnError()
    {
        File.SetUnixFileMode(Write("STATE_DATABASE=state.db\n"), OwnerOnly);
        File.WriteAllText(_dir.File("state.db"), "not a database at all, just text");

        var check = Single(await RunAsync(), "database");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Contains("is not an SQLite database", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StateDatabaseNotCreatedYet_IsOk()
    {
        File.SetUnixFileMode(Write("STATE_DATABASE=state.db\n"), OwnerOnly);

        var check = Single(await RunAsync(), "database");

        Assert.Equal(PreflightStatus.Ok, check.Status);
    }

    [Fact]
    public async Task Run_DashboardPortTakenByAnotherProcess_IsAnError()
    {
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var taken = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        File.SetUnixFileMode(Write($"DASHBOARD_ADDRESS=127.0.0.1:{taken}\n"), OwnerOnly);

        var check = Single(await RunAsync(dashboard: null), "dashboard");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Contains("in use by another process", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ControlSocketFolderWritableByOthers_Err()
    {
        var shared = Directory.CreateDirectory(_dir.File("shared")).FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0x1FF); // 0777, no sticky bit
        Write($"CONTROL_SOCKET={shared}/control.sock\n");

        var check = Single(await RunAsync(), "control_socket");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Contains("writable by others (mode 0777)", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ControlSocketFolderMissing_ErrNamingIt()
    {
        Write("CONTROL_SOCKET=run/control.sock\n");

        var check = Single(await RunAsync(), "control_socket");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Equal($"control socket folder {_dir.File("run")} does not exist", check.Message);
    }

    [Fact]
    public async Task Run_StaleControlSocket_Warns()
    {
        Write(string.Empty);
        // What a killed server leaves, as far as a client can tell: a path that refuses connections. (.NET unlinks a
        // socket's path when the socket is disposed, so an empty file stands in for the inode a crash leaves.)
        File.WriteAllBytes(_dir.File("p2psecurity.sock"), []);

        var check = Single(await RunAsync(), "control_socket");

        Assert.Equal(PreflightStatus.Warn, check.Status);
        Assert.Contains("is stale", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LogFileInAFolderThatIsAFile_Err()
    {
        File.WriteAllText(_dir.File("notafolder"), "x");
        Write("SECURITY_LOG_FILE=notafolder/security.log\n");

        var check = Single(await RunAsync(), "log_file");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Contains("cannot be written", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_IdentityMissing_WarnsThatTheServerCreatesIt()
    {
        Write(string.Empty);

        var check = Single(await RunAsync(), "identity");

        Assert.Equal(PreflightStatus.Warn, check.Status);
        Assert.Contains("creates it (mode 0600) at its first start", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_IdentityNotAnIdentity_Err()
    {
        Write(string.Empty);
        File.WriteAllText(_dir.File("node_identity.pem"), "not a pem");
        File.SetUnixFileMode(_dir.File("node_identity.pem"), OwnerOnly);

        var check = Single(await RunAsync(), "identity");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Contains(_dir.File("node_identity.pem"), check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LockedDownStateFile_WarnsThatTheServerStartsLockedDown()
    {
        var env = Write(string.Empty);
        using (var lockdown = LockdownSwitch.Open(LockdownStore.PathFor(env)))
        {
            lockdown.Engage(new LockdownOptions { Reason = "incident 7" });
        }

        var check = Single(await RunAsync(), "lockdown");

        Assert.Equal(PreflightStatus.Warn, check.Status);
        Assert.Contains("reason: incident 7", check.Message, StringComparison.Ordinal);
        Assert.Contains("will start locked down", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortOverride_IsTheOneChecked()
    {
        using var occupier = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupier.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupier.Listen();
        var taken = ((IPEndPoint)occupier.LocalEndPoint!).Port;
        Write("LISTEN_ADDRESS=127.0.0.1\n");

        var check = Single(await RunAsync(port: taken), "listen");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Equal(PreflightStatus.Ok, Single(await RunAsync(port: 0), "listen").Status);
    }

    [Fact]
    public async Task Run_MetricsAddressTaken_ErrAndOffIsOk()
    {
        using var occupier = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupier.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupier.Listen();
        var taken = ((IPEndPoint)occupier.LocalEndPoint!).Port;
        Write($"METRICS_ADDRESS=127.0.0.1:{taken}\n");

        var check = Single(await RunAsync(), "metrics");

        Assert.Equal(PreflightStatus.Err, check.Status);
        Assert.Equal($"metrics listener 127.0.0.1:{taken} is in use by another process", check.Message);
        Write("METRICS_ADDRESS=off\n");
        Assert.Equal(PreflightStatus.Ok, Single(await RunAsync(), "metrics").Status);
        var overridden = await PreflightRunner.RunAsync(new PreflightOptions { EnvPath = _dir.File(".env"), Port = 0, MetricsAddress = $"127.0.0.1:{taken}" },
            TestContext.Current.CancellationToken);
        Assert.Equal(PreflightStatus.Err, Single(overridden, "metrics").Status);
    }

    [Fact]
    public async Task Run_MissingPolicyFile_WarnsAndChecksTheDefaultsBesideIt()
    {
        NodeIdentity.CreateFile(_dir.File("node_identity.pem")).Dispose();

        var report = await RunAsync(port: 0);

        Assert.Equal(PreflightStatus.Warn, Single(report, "policy").Status);
        Assert.Equal(PreflightStatus.Ok, Single(report, "identity").Status);
        Assert.True(report.Ok);
    }

    private string Write(string text) => _dir.Write(".env", text);

    /// <param name="dashboard">As <c>--dashboard</c>: off by default, so that a dashboard running on this machine's
    /// default port (127.0.0.1:9829) does not decide tests about other checks; null uses the file's setting.</param>
    private Task<PreflightReport> RunAsync(int? port = 0, string? dashboard = "off") =>
        PreflightRunner.RunAsync(new PreflightOptions { EnvPath = _dir.File(".env"), Port = port, DashboardAddress = dashboard, ServerTimeout = TimeSpan.FromSeconds(2) },
            TestContext.Current.CancellationToken);

    private static PreflightCheck Single(PreflightReport report, string check) => Assert.Single(report.Checks, c => c.Check == check);

    public void Dispose() => _dir.Dispose();
}
