namespace P2PSecurity.Server.Control;

/// <summary>The control channel cannot start (another server owns the socket, the path is unusable); the message says why.</summary>
public sealed class ControlChannelException(string message, Exception? inner = null) : Exception(message, inner);
