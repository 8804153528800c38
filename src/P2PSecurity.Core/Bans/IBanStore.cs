namespace P2PSecurity.Core.Bans;

/// <summary>
/// Where bans and strike history are kept across restarts (the state database). Only <see cref="BanList"/>'s
/// single writer calls it; decisions never do.
/// </summary>
public interface IBanStore : IDisposable
{
    /// <summary>Everything stored. Throws <see cref="BanStoreException"/> when the store cannot be read.</summary>
    BanStoreContents Load();

    /// <summary>Writes one batch of changes in one transaction; when it returns, the batch survives a crash.</summary>
    void Apply(BanStoreChanges changes);
}
