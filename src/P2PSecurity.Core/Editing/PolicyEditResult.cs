using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>What an edit of a policy file did.</summary>
/// <param name="Path">The file edited (symbolic links resolved).</param>
/// <param name="Outcome">Added, already present, removed, ...</param>
/// <param name="List">The list edited.</param>
/// <param name="Entry">The entry in canonical form.</param>
/// <param name="Written">True when the file was replaced.</param>
/// <param name="Policy">The policy the file holds now.</param>
/// <param name="Warnings">Findings the operator should see (new validation warnings, lock-outs, host bits).</param>
/// <param name="WrittenSha256">When <paramref name="Written"/>: the SHA-256 of the bytes written (lower-case hex), to pass to the reload.</param>
public sealed record PolicyEditResult(
    string Path,
    EditOutcome Outcome,
    PolicyList List,
    string Entry,
    bool Written,
    SecurityPolicy Policy,
    IReadOnlyList<string> Warnings,
    string? WrittenSha256 = null);
