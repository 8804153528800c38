using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using P2PSecurity.Core.Control;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// Type=notify without systemd: the test binds the Unix datagram socket systemd would (NOTIFY_SOCKET) and starts the
/// real server as systemd does (SYSTEMD_EXEC_PID is its pid), then checks that READY=1 comes only when the listener
/// and the control socket answer, and STOPPING=1 on SIGTERM.
/// </summary>
[SupportedOSPlatform("linux")]
[Trait("Tier", "EndToEnd")]
public sealed class SystemdReadinessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Start_UnderNotifySocket_SendsReadyOnceListenerAndControlSocketAreUp()
    {
        var ct = TestContext.Current.CancellationToken;
        _folder.WriteEnv("LISTEN_ADDRESS=127.0.0.1\n");
        var notifyPath = _folder.File("notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

        await using var server = ServerProcess.StartAsSystemdService(_folder.Path, notifyPath, "--env-file", _folder.EnvPath, "--port", "0");
        var ready = await ReceiveAsync(notify, server, ct);

        Assert.Equal("READY=1", ready);
        // At READY both faces already answer: nothing here waits or retries.
        var port = await server.WaitForListeningAsync();
        using (var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await peer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
        }
        var status = await new ControlClient(_folder.File("p2psecurity.sock")).SendAsync(ControlRequest.Of(ControlProtocol.Requests.Status), ct);
        Assert.True(status.Response is { Ok: true }, status.Problem);

        server.Signal(ServerProcess.SigTerm);
        Assert.Equal("STOPPING=1", await ReceiveAsync(notify, server, ct));
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<string> ReceiveAsync(Socket notify, ServerProcess server, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var buffer = new byte[4096];
        try
        {
            var n = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.UTF8.GetString(buffer, 0, n).Trim();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"nothing on NOTIFY_SOCKET within 60 s (exited: {server.HasExited}).\nstdout:\n{server.Output}\nstderr:\n{server.Errors}");
        }
    }

    public void Dispose() => _folder.Dispose();
}
