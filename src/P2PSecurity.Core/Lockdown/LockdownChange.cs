namespace P2PSecurity.Core.Lockdown;

/// <summary>What an engage or lift did: the state before and after, and why it could not be kept on disk (null when it was).</summary>
public sealed record LockdownChange(LockdownState Before, LockdownState After, string? PersistError);
