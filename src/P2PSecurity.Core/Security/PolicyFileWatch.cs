namespace P2PSecurity.Core.Security;

/// <summary>
/// What the last reload saw of the policy file, published as one immutable object so that the lock-free check on
/// every connection never reads half of it.
/// </summary>
/// <param name="stamp">The file's metadata the content read belongs to.</param>
/// <param name="readAtUnixNs">The wall clock at the read (the injected clock's), to compare with the change time.</param>
/// <param name="readAtTimestamp">The monotonic clock at the read (the injected clock's <see cref="TimeProvider.GetTimestamp"/>).</param>
/// <param name="racyWindowNs">See <see cref="FileSystemClock"/>.</param>
/// <param name="recheckTicks">While racy or pending, the content is re-read at most once per this many timestamp ticks.</param>
/// <param name="pending">See <see cref="Pending"/>.</param>
internal sealed class PolicyFileWatch(FileStamp stamp, long readAtUnixNs, long readAtTimestamp, long racyWindowNs, long recheckTicks, bool pending = false)
{
    /// <summary>
    /// File systems keep modification times at a coarse granularity (Linux: a scheduler tick, a few ms; FAT: 2 s).
    /// Content read within this window after its modification time may be followed by another write that leaves
    /// the same time and size ("racily clean", as git calls it), so such content is checked again.
    /// </summary>
    public const long DefaultRacyWindowNs = 2_000_000_000;

    /// <summary>While racy, the content is re-read at most once a millisecond, so a burst of connections reads it once.</summary>
    public static long RecheckTicks(TimeProvider time) => time.TimestampFrequency / 1000;

    public FileStamp Stamp { get; } = stamp;

    public long ReadAtUnixNs { get; } = readAtUnixNs;

    public long ReadAtTimestamp { get; } = readAtTimestamp;

    /// <summary>
    /// True when metadata alone cannot prove that the content is still what was read. Judged by the change time:
    /// every write, rename or utime call sets it to the kernel's clock, so once it is older than the window any later
    /// change moves it. The modification time is not used: anyone can set it (touch -d tomorrow would keep the
    /// content racy, and re-read, forever), and setting it moves the change time anyway.
    /// </summary>
    public bool IsRacy => Stamp.Exists && ReadAtUnixNs - Stamp.ChangedNs < racyWindowNs;

    /// <summary>The file was seen but not read yet (an in-place write still settling): look again until it is read.</summary>
    public bool Pending { get; } = pending;

    /// <summary>Cheap test on the hot path: does the file need reading? <paramref name="time"/> is the clock the read was timed with.</summary>
    public bool NeedsRead(in FileStamp current, TimeProvider time) =>
        current != Stamp || ((IsRacy || Pending) && time.GetTimestamp() - ReadAtTimestamp >= recheckTicks);

    /// <summary>The same observation, marked as not acted on.</summary>
    public PolicyFileWatch AsPending() => new(Stamp, ReadAtUnixNs, ReadAtTimestamp, racyWindowNs, recheckTicks, pending: true);
}
