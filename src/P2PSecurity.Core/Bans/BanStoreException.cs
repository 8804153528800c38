namespace P2PSecurity.Core.Bans;

/// <summary>The state database cannot be opened, read or written; the message says which file and why.</summary>
public sealed class BanStoreException(string message, Exception? inner = null) : Exception(message, inner);
