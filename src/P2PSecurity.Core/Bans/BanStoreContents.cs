namespace P2PSecurity.Core.Bans;

/// <summary>What a store holds.</summary>
public sealed record BanStoreContents(IReadOnlyList<Ban> Bans, IReadOnlyList<OffenderRecord> Offenders);
