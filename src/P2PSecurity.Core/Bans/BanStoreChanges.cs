namespace P2PSecurity.Core.Bans;

/// <summary>One batch of changes for the store.</summary>
public sealed class BanStoreChanges
{
    public List<Ban> Upserts { get; } = [];

    public List<BanTarget> Deletes { get; } = [];

    public List<OffenderRecord> Offenders { get; } = [];

    public List<UInt128> ForgottenOffenders { get; } = [];

    public bool IsEmpty => Upserts.Count == 0 && Deletes.Count == 0 && Offenders.Count == 0 && ForgottenOffenders.Count == 0;
}
