namespace P2PSecurity.Server.Dashboard;

/// <summary>A key-file rotation written: whether the policy file changed, its SHA-256 now (for the reload), and warnings.</summary>
internal sealed record NetworkKeyFileRotationResult(NetworkKeyFilePlan Plan, bool PolicyWritten, string PolicySha256, IReadOnlyList<string> Warnings);
