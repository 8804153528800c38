namespace P2PSecurity.Core.Security;

/// <summary>
/// The pending handshakes of one address (or IPv6 prefix): its slots oldest first, and its place among the groups of
/// the same size. Every field is guarded by the <see cref="PendingHandshakes"/> lock; only that type writes them.
/// </summary>
internal sealed class PendingGroup
{
    /// <summary>Pending slots of this group.</summary>
    public int Count { get; set; }

    /// <summary>The oldest pending slot (the one evicted first).</summary>
    public ConnectionSlot? First { get; set; }

    public ConnectionSlot? Last { get; set; }

    /// <summary>Links among the groups that hold exactly <see cref="Count"/> pending slots.</summary>
    public PendingGroup? BucketPrevious { get; set; }

    public PendingGroup? BucketNext { get; set; }
}
