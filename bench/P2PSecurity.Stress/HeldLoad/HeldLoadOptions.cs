namespace P2PSecurity.Stress.HeldLoad;

/// <summary>How <see cref="HeldLoadHarness"/> loads the server.</summary>
public sealed class HeldLoadOptions
{
    public int Connections { get; init; } = 10_000;

    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Each connection pings once per interval (at a random phase): under MESSAGE_RATE_LIMIT, which is per address.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One connection, chosen in turn, broadcasts once per interval; every other session must receive it.</summary>
    public TimeSpan BroadcastInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The .env is edited (a real change, applied by the server) once per interval.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Handshakes under way at once while the connections are made.</summary>
    public int ConnectConcurrency { get; init; } = 32;

    /// <summary>Allowed identities the connections take in turn (the .env lists them all).</summary>
    public int Identities { get; init; } = 64;

    /// <summary>
    /// Connect loops from a blocked address during the hold: every connection makes the server check the .env (the
    /// gate checks before it decides), thousands of times a second, so that a check lands inside an edit in progress.
    /// </summary>
    public int CheckFlood { get; init; }

    /// <summary>Each edit is written in place in pieces of this many bytes, each its own write(2); 0: in one write.</summary>
    public int EditPieceBytes { get; init; } = 1024;

    public string? ServerDll { get; init; }
}
