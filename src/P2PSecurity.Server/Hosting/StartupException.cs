namespace P2PSecurity.Server.Hosting;

/// <summary>The server cannot start; the message is for the operator and prints without a stack trace.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
