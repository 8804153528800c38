using System.Net;
using System.Net.Sockets;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.RawTls;
using P2PSecurity.Stress.Wire;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>
/// IPv4 blocks against clients arriving in the other form: through an IPv6 dual-mode socket as ::ffff:a.b.c.d, or
/// as plain IPv4 against a block written ::ffff:. The .env blocks 127.77.0.1, 127.78.0.0/16 (IPv4 form) and
/// ::ffff:127.79.0.1, ::FFFF:127.80.0.0/112 (mapped form). Success: the server speaks any TLS byte to a blocked client.
/// </summary>
internal static class MappedAddressAttacks
{
    private const string Group = "ipv4-block-bypass";

    private static readonly (string Name, IPAddress Address)[] Blocked =
    [
        ("block-127.77.0.1", IPAddress.Parse("127.77.0.1")),
        ("block-127.78.0.0/16", IPAddress.Parse("127.78.9.9")),
        ("block-::ffff:127.79.0.1", IPAddress.Parse("127.79.0.1")),
        ("block-::FFFF:127.80.0.0/112", IPAddress.Parse("127.80.1.2")),
    ];

    /// <summary>Runs every blocked address in both client forms against <paramref name="server"/> (named <paramref name="listener"/>).</summary>
    public static async Task<List<Attempt>> RunAsync(ImpersonationContext context, ServerUnderTest server, string listener, CancellationToken ct)
    {
        var results = new List<Attempt>();
        var v4 = new IPEndPoint(IPAddress.Loopback, server.Port);
        var mapped = new IPEndPoint(IPAddress.Loopback.MapToIPv6(), server.Port);
        var dualStack = listener == "dual-stack";
        foreach (var (name, address) in Blocked)
        {
            results.Add(await TlsBytesAsync(context, $"{listener}/{name}/from-ipv4-socket", v4, address, ct));
            if (dualStack)
            {
                results.Add(await TlsBytesAsync(context, $"{listener}/{name}/from-ipv6-socket-as-::ffff:", mapped, address.MapToIPv6(), ct));
            }
        }
        // Controls: an address that is not blocked, in each form, is let through and welcomed.
        var unblocked = IPAddress.Parse("127.76.0.1");
        results.Add(await WelcomedAsync(context, $"{listener}/unblocked/from-ipv4-socket", v4, unblocked, ct));
        if (dualStack)
        {
            results.Add(await WelcomedAsync(context, $"{listener}/unblocked/from-ipv6-socket-as-::ffff:", mapped, unblocked.MapToIPv6(), ct));
        }
        return results;
    }

    /// <summary>Connects from <paramref name="local"/>, offers a TLS ClientHello and counts the server's bytes before it closes.</summary>
    private static async Task<Attempt> TlsBytesAsync(ImpersonationContext context, string name, IPEndPoint server, IPAddress local, CancellationToken ct)
    {
        using var socket = await RawSocket.ConnectAsync(server, local, ct);
        var hello = Tls13Hellos.SampleRecord();
        try
        {
            await socket.SendAsync(hello, SocketFlags.None, ct);
        }
        catch (SocketException)
        {
            // Already closed by the server: the close below is observed all the same.
        }
        var seen = await RawSocket.WaitForCloseAsync(socket, TimeSpan.FromSeconds(3), ct);
        var stage = seen is { Closed: true, BytesBefore: 0 } ? AttemptStage.ClosedBeforeTls : AttemptStage.TlsRefused;
        var detail = seen.Closed ? $"closed after {seen.BytesBefore} bytes, {seen.Elapsed.TotalMilliseconds:F0} ms" : "still open after 3 s";
        return new Attempt(Group, name, false, AttemptStage.TlsRefused, stage, $"from {local}: {detail}");
    }

    private static async Task<Attempt> WelcomedAsync(ImpersonationContext context, string name, IPEndPoint server, IPAddress local, CancellationToken ct)
    {
        var victim = context.Cast.Victim;
        await using var connection = await TlsConnection.ConnectAsync(server, local, victim.Certificate, ct);
        var outcome = await NodeHandshake.RunAsync(connection.Tls, NodeHandshake.Genuine(context.Secret, victim.NodeKey), ct);
        return new Attempt(Group, name, true, AttemptStage.Welcomed, NetworkKeyReplayAttacks.Stage(outcome), $"from {local}: {outcome}");
    }
}
