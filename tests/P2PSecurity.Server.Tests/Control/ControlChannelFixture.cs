using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;

namespace P2PSecurity.Server.Tests.Control;

/// <summary>A real SecurityManager on a temp .env and a control channel on a temp socket, in this process.</summary>
internal sealed class ControlChannelFixture : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private ControlChannelFixture(TempFolder folder, SecurityManager manager, ControlChannelService service)
    {
        _folder = folder;
        Manager = manager;
        Service = service;
    }

    public string Dir => _folder.Path;

    public string EnvPath => _folder.EnvPath;

    public string SocketPath => Service.SocketPath;

    public SecurityManager Manager { get; }

    public ControlChannelService Service { get; }

    public RecentNodeRefusals Refusals { get; } = new();

    public static async Task<ControlChannelFixture> StartAsync(string envText, Action<ControlChannelOptions>? configure = null, Action<string>? beforeStart = null)
    {
        var folder = new TempFolder(envText);
        beforeStart?.Invoke(folder.Path);
        var manager = SecurityManager.Create(folder.EnvPath);
        var options = new ControlChannelOptions();
        configure?.Invoke(options);
        var service = new ControlChannelService(manager, options, NullLogger<ControlChannelService>.Instance, new RecentNodeRefusals(), new FakeServerStatus());
        await service.StartAsync(CancellationToken.None);
        return new ControlChannelFixture(folder, manager, service);
    }

    public Task<ControlCallResult> SendAsync(ControlRequest request) =>
        new ControlClient(SocketPath, TimeSpan.FromSeconds(10)).SendAsync(request, TestContext.Current.CancellationToken);

    public async Task<ControlResponse> AskAsync(string type)
    {
        var result = await SendAsync(ControlRequest.Of(type));
        Assert.Equal(ControlCallStatus.Answered, result.Status);
        return result.Response!;
    }

    /// <summary>Sends raw bytes, closes the sending side, and parses whatever comes back.</summary>
    public async Task<ControlResponse?> SendRawAsync(byte[] bytes, bool closeSend = true)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), TestContext.Current.CancellationToken);
        var closedEarly = false;
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, TestContext.Current.CancellationToken);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            // The server may answer and close before an oversized request is fully sent; the reply is still there.
            closedEarly = true;
        }
        if (closeSend && !closedEarly)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        var reply = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, TestContext.Current.CancellationToken)) > 0)
        {
            reply.Write(buffer, 0, n);
        }
        var text = Encoding.UTF8.GetString(reply.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return JsonSerializer.Deserialize(text, ControlJsonContext.Default.ControlResponse);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        Manager.Dispose();
        _folder.Dispose();
    }

    private sealed class FakeServerStatus : IServerStatusSource
    {
        public string? ListenEndpoint => "[::]:9828";

        public string? NodeKey => new('e', 64);
    }
}
