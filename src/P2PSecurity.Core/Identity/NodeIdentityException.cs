namespace P2PSecurity.Core.Identity;

/// <summary>An identity file that cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class NodeIdentityException(string message, Exception? inner = null) : Exception(message, inner);
