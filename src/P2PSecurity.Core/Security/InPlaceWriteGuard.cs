namespace P2PSecurity.Core.Security;

/// <summary>
/// A writer that rewrites the policy file in place (an editor's plain save, <c>cat new &gt; .env</c>,
/// <c>File.WriteAllText</c>) does it in several system calls: truncate, then one <c>write</c> per buffer (4 KiB for
/// .NET's FileStream, 64 KiB for a shell pipe). A reload that reads between two of them sees a valid prefix: an allow
/// list or a block list cut short. Applying it would unblock addresses and, with <c>EVICT_ON_POLICY_CHANGE</c>, evict
/// live sessions of nodes that are missing only from the half-written copy. So content changed in place is acted on
/// only once the file has not changed for <see cref="DefaultSettle"/>; until then the policy in force stays.
/// </summary>
/// <remarks>
/// A file replaced by rename (a new inode: <c>manage_trusted_nodes</c>, most editors' safe save) is whole the moment it
/// appears, and is not held back. The change time is the kernel's clock at the last write, rename or chmod; a change
/// time in the future (the clock stepped back) cannot be judged and does not hold the file back.
/// </remarks>
internal static class InPlaceWriteGuard
{
    /// <summary>How long an in-place write must have been still before its content is read as final.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long until <paramref name="current"/> counts as settled (zero or less: it does now), given what was seen
    /// of the file before (<paramref name="previous"/>) and the wall clock (<paramref name="nowUnixNs"/>).
    /// </summary>
    public static TimeSpan Remaining(in FileStamp current, in FileStamp previous, long nowUnixNs, TimeSpan settle)
    {
        if (!current.Exists || settle <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        if (previous.Exists && (current.Device != previous.Device || current.Inode != previous.Inode))
        {
            return TimeSpan.Zero; // replaced by rename: complete when it appeared
        }
        var age = nowUnixNs - current.ChangedNs;
        if (age < 0)
        {
            return TimeSpan.Zero;
        }
        return TimeSpan.FromTicks((settle.Ticks * 100 - age) / 100);
    }
}
