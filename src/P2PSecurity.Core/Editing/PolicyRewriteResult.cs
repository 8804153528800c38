using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Editing;

/// <summary>What a whole-file rewrite did (<see cref="PolicyFileRewriter"/>).</summary>
/// <param name="Path">The file written (symbolic links resolved).</param>
/// <param name="Written">False when the new text equals the old (nothing was written).</param>
/// <param name="Policy">The policy the file holds now.</param>
/// <param name="Warnings">The new text's validation warnings.</param>
/// <param name="Sha256">The SHA-256 of the file's bytes now, to pass as the base of the next rewrite.</param>
public sealed record PolicyRewriteResult(string Path, bool Written, SecurityPolicy Policy, IReadOnlyList<string> Warnings, string Sha256);
