using System.Net;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// Distinct loopback client addresses, 127.B.x.y for one second octet B (65,024 addresses before it wraps). On
/// Linux every 127.0.0.0/8 address reaches the loopback interface, and the server counts each as its own client.
/// </summary>
public sealed class AddressPool(byte secondOctet)
{
    private const int PerBlock = 254 * 256;
    private int _next = -1;

    /// <summary>The next address of the pool (thread-safe).</summary>
    public IPAddress Next()
    {
        var n = (int)((uint)Interlocked.Increment(ref _next) % PerBlock);
        // Skip .0 and .255 in the last octet: legal on loopback, but they read like network and broadcast addresses.
        return new IPAddress([127, secondOctet, (byte)(n / 254), (byte)(1 + (n % 254))]);
    }

    /// <summary>One fixed address of the pool's block, outside the addresses <see cref="Next"/> hands out first.</summary>
    public static IPAddress Fixed(byte secondOctet, byte third, byte fourth) => new([127, secondOctet, third, fourth]);
}
