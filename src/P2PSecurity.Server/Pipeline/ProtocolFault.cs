namespace P2PSecurity.Server.Pipeline;

/// <summary>
/// Passed up the pipeline in place of a message when the bytes broke the protocol (bad frame length, malformed body),
/// so that the handler in charge of the connection's stage refuses the peer with a reason and closes.
/// </summary>
internal sealed record ProtocolFault(string Detail);
