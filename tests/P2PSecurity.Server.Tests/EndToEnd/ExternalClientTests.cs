using System.Buffers.Binary;
using System.Text.Json;
using P2PSecurity.Core.Protocol;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// Clients no one here wrote the TLS of: Python's ssl module (with a protocol client written from
/// docs/PROTOCOL.md) and <c>openssl s_client</c>, with identities made by openssl.
/// </summary>
[Trait("Tier", "EndToEnd")]
public sealed class ExternalClientTests : IDisposable
{
    // The distribution's interpreter when there is one: a version manager's shim can take a second to start.
    private static readonly string Python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task PythonSsl_OpenSslIdentityWithNetworkKey_IsWelcomedAndPingsBack()
    {
        var (identity, key) = await OpenSslIdentity.CreateAsync(_folder.Path, "python-node");
        const string Secret = "shared by the network";
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={key}\nNETWORK_SECRET_KEY={Secret}\n");
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "python_node_client.py");

        var run = await ExternalProcess.RunAsync(Python, [script, "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), identity, key.ToString(), Secret]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var result = JsonDocument.Parse(run.StdoutText);
        var root = result.RootElement;
        Assert.True(root.GetProperty("welcomed").GetBoolean());
        Assert.Equal(key.ToString(), root.GetProperty("peer_key").GetString());
        Assert.Equal(server.Identity.NodeKey.ToString(), root.GetProperty("server_key").GetString());
        Assert.True(root.GetProperty("server_proof_ok").GetBoolean());
        Assert.Equal((int)MessageType.Pong, root.GetProperty("pong_type").GetInt32());
        Assert.Equal("from python", root.GetProperty("pong").GetString());
    }

    [Fact]
    public async Task PythonSsl_NodeNotInAllowList_IsToldTheReason()
    {
        var (identity, key) = await OpenSslIdentity.CreateAsync(_folder.Path, "stranger");
        using var allowed = TestIdentities.Create();
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={allowed.NodeKey}\n");
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "python_node_client.py");

        var run = await ExternalProcess.RunAsync(Python, [script, "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), identity, key.ToString()]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var result = JsonDocument.Parse(run.StdoutText);
        Assert.Equal((int)DenyReason.NodeNotAllowed, result.RootElement.GetProperty("refused").GetInt32());
        Assert.Equal("node_not_allowed", result.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task OpenSslClient_WithIdentity_GetsHelloAndWelcome()
    {
        var (identity, key) = await OpenSslIdentity.CreateAsync(_folder.Path, "openssl-node");
        await using var server = await TestServer.StartAsync(_folder, $"ALLOWED_NODE_KEYS={key}\n");
        // ClientHello (version 1, no proof, a challenge), then Goodbye so that the server closes and s_client ends.
        var input = Frame(MessageCodec.Encode(new ClientHelloMessage(1, new byte[32], null)))
            .Concat(Frame(MessageCodec.Encode(new GoodbyeMessage(GoodbyeReason.Leaving, "bye")))).ToArray();

        var run = await ExternalProcess.RunAsync("openssl",
            ["s_client", "-connect", $"127.0.0.1:{server.Port}", "-tls1_3", "-quiet", "-cert", identity, "-key", identity], input);

        var frames = ReadFrames(run.Stdout);
        Assert.True(frames.Count >= 2, $"expected ServerHello and Welcome, got {frames.Count} frames; stderr: {run.Stderr}");
        var hello = Assert.IsType<ServerHelloMessage>(Decode(frames[0]));
        Assert.Equal(server.Identity.NodeKey, hello.ServerKey);
        var welcome = Assert.IsType<WelcomeMessage>(Decode(frames[1]));
        Assert.Equal(key, welcome.PeerKey);
    }

    [Fact]
    public async Task OpenSslClient_WithoutCertificate_IsRefusedAtTls()
    {
        await using var server = await TestServer.StartAsync(_folder, "REQUIRE_NODE_AUTHENTICATION=true\n");

        var run = await ExternalProcess.RunAsync("openssl",
            ["s_client", "-connect", $"127.0.0.1:{server.Port}", "-tls1_3", "-quiet"], []);

        // The server drops the connection when the empty certificate fails validation: no hello ever comes.
        Assert.Empty(ReadFrames(run.Stdout));
        Assert.NotEqual(0, run.ExitCode);
        await Wait.UntilAsync(() => server.Manager.RefusalCounts.GetValueOrDefault(DenyReason.AuthenticationRequired) == 1,
            "the authentication_required refusal to be counted");
    }

    private static byte[] Frame(byte[] body)
    {
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static List<byte[]> ReadFrames(byte[] stream)
    {
        var frames = new List<byte[]>();
        var offset = 0;
        while (stream.Length - offset >= 4)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(offset));
            if (stream.Length - offset - 4 < length)
            {
                break;
            }
            frames.Add(stream.AsSpan(offset + 4, length).ToArray());
            offset += 4 + length;
        }
        return frames;
    }

    private static NodeMessage Decode(byte[] body) =>
        MessageCodec.TryDecode(body, out var message, out var error) ? message : throw new InvalidDataException(error);

    public void Dispose() => _folder.Dispose();
}
