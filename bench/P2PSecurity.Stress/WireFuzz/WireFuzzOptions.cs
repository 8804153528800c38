namespace P2PSecurity.Stress.WireFuzz;

/// <summary>How hard <see cref="WireFuzzer"/> pushes.</summary>
public sealed class WireFuzzOptions
{
    public int Count { get; init; } = 10_000;

    /// <summary>Hostile connections open at once.</summary>
    public int Concurrency { get; init; } = 48;

    public int Seed { get; init; } = 1;

    /// <summary>HANDSHAKE_TIMEOUT of the harness .env: silent and truncated clients are closed after it.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>FRAME_TIMEOUT of the harness .env: a session that stops in the middle of a frame is closed after it.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Welcomes measured one after another before the storm.</summary>
    public int IdleProbes { get; init; } = 30;

    /// <summary>Growth of the server's resident memory over its idle size that still counts as bounded.</summary>
    public int RssBudgetMib { get; init; } = 384;

    public string? ServerDll { get; init; }
}
