using P2PSecurity.Core.Bans;

namespace P2PSecurity.Benchmarks;

/// <summary>A ban store that starts with the given bans and writes nowhere: the accept path never touches a store.</summary>
public sealed class PreloadedBanStore(IReadOnlyList<Ban> bans) : IBanStore
{
    public BanStoreContents Load() => new(bans, []);

    public void Apply(BanStoreChanges changes)
    {
        // Nothing to keep: the benchmarks measure decisions on the published snapshot, not the store.
    }

    public void Dispose()
    {
        // Holds nothing.
    }
}
