using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Tests.Editing;

namespace P2PSecurity.Core.Tests.Control;

public sealed class ControlClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_NoSocketFile_IsNotRunning()
    {
        using var dir = new TempFolder();

        var result = await new ControlClient(dir.File("p2psecurity.sock")).SendAsync(ControlRequest.Of("status"), Ct);

        Assert.Equal(ControlCallStatus.NotRunning, result.Status);
        Assert.Equal($"no control socket at {dir.File("p2psecurity.sock")}", result.Problem);
    }

    [Fact]
    public async Task Send_StaleSocketLeftByACrashedServer_IsNotRunning()
    {
        using var dir = new TempFolder();
        var path = dir.File("p2psecurity.sock");
        CreateStaleSocket(path);
        Assert.True(File.Exists(path));

        var result = await new ControlClient(path).SendAsync(ControlRequest.Of("status"), Ct);

        Assert.Equal(ControlCallStatus.NotRunning, result.Status);
        Assert.Contains("stale socket", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ServerAnswers_GetsTheResponseAndTheServerSawOneRequestLine()
    {
        using var dir = new TempFolder();
        var path = dir.File("c.sock");
        using var listener = Listen(path);
        var served = ServeOnceAsync(listener, _ => """{"version":1,"ok":true,"type":"pending","pending":{"nodes":[],"capacity":256}}""" + "\n");

        var result = await new ControlClient(path).SendAsync(ControlRequest.Of("pending"), Ct);

        Assert.Equal(ControlCallStatus.Answered, result.Status);
        Assert.True(result.Response!.Ok);
        Assert.Equal(256, result.Response.Pending!.Capacity);
        Assert.Equal("""{"version":1,"type":"pending"}""" + "\n", await served);
    }

    [Fact]
    public async Task Send_ServerAnswersGarbage_FailsWithAClearProblem()
    {
        using var dir = new TempFolder();
        var path = dir.File("c.sock");
        using var listener = Listen(path);
        _ = ServeOnceAsync(listener, _ => "\u0001\u0002 not json");

        var result = await new ControlClient(path).SendAsync(ControlRequest.Of("status"), Ct);

        Assert.Equal(ControlCallStatus.Failed, result.Status);
        Assert.StartsWith($"the reply from {path} is not a control-protocol answer", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ServerNeverAnswers_TimesOut()
    {
        using var dir = new TempFolder();
        var path = dir.File("c.sock");
        using var listener = Listen(path);
        var accepted = listener.AcceptAsync(Ct).AsTask();

        var result = await new ControlClient(path, TimeSpan.FromMilliseconds(200)).SendAsync(ControlRequest.Of("status"), Ct);

        Assert.Equal(ControlCallStatus.Failed, result.Status);
        Assert.Equal($"no answer from {path} within 0.2 s", result.Problem);
        (await accepted).Dispose();
    }

    [Fact]
    public void Json_UsesSnakeCaseAndOmitsAbsentPayloads()
    {
        var response = new ControlResponse { Ok = true, Type = "check-live", CheckLive = new CheckLiveInfo { Valid = true, SessionsWouldClose = 2 } };

        var json = JsonSerializer.Serialize(response, ControlJsonContext.Default.ControlResponse);

        Assert.Equal("""{"version":1,"ok":true,"type":"check-live","check_live":{"valid":true,"diagnostics":[],"live_revision":0,"changes":[],"would_refuse":[],"sessions_would_close":2}}""", json);
    }

    /// <summary>
    /// Leaves a socket file no process listens on, as a killed server does. .NET deletes the file it bound when
    /// the socket is disposed, so the file is moved away first: the inode keeps working under its new name.
    /// </summary>
    internal static void CreateStaleSocket(string path)
    {
        var bound = path + ".bind";
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(bound));
        dead.Listen();
        File.Move(bound, path);
    }

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        return socket;
    }

    private static async Task<string> ServeOnceAsync(Socket listener, Func<string, string> reply)
    {
        using var connection = await listener.AcceptAsync();
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await connection.ReceiveAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, n);
        }
        var request = Encoding.UTF8.GetString(received.ToArray());
        await connection.SendAsync(Encoding.UTF8.GetBytes(reply(request)));
        connection.Shutdown(SocketShutdown.Both);
        return request;
    }
}
