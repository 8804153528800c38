using System.Diagnostics;

namespace P2PSecurity.Core.Security;

/// <summary>
/// What the last reload saw of the policy file, published as one immutable object so that the lock-free check on
/// every connection never reads half of it.
/// </summary>
internal sealed class PolicyFileWatch(FileStamp stamp, long readAtUnixNs, long readAtMonotonic)
{
    /// <summary>
    /// File systems keep modification times at a coarse granularity (Linux: a scheduler tick, a few ms; FAT: 2 s).
    /// Content read within this window after its modification time may be followed by another write that leaves
    /// the same time and size ("racily clean", as git calls it), so such content is checked again.
    /// </summary>
    public static readonly long RacyWindowNs = 2_000_000_000;

    /// <summary>While racy, the content is re-read at most this often, so a burst of connections reads it once.</summary>
    public static readonly long RacyRecheckTicks = Stopwatch.Frequency / 1000;

    public FileStamp Stamp { get; } = stamp;

    public long ReadAtUnixNs { get; } = readAtUnixNs;

    public long ReadAtMonotonic { get; } = readAtMonotonic;

    /// <summary>True when metadata alone cannot prove that the content is still what was read.</summary>
    public bool IsRacy => Stamp.Exists && ReadAtUnixNs - Math.Max(Stamp.ModifiedNs, Stamp.ChangedNs) < RacyWindowNs;

    /// <summary>Cheap test on the hot path: does the file need reading?</summary>
    public bool NeedsRead(in FileStamp current) =>
        current != Stamp || (IsRacy && Stopwatch.GetTimestamp() - ReadAtMonotonic >= RacyRecheckTicks);
}
