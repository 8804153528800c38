namespace P2PSecurity.Core.Protocol;

/// <summary>The first byte of every frame's body. Values are on the wire (docs/PROTOCOL.md); never renumber.</summary>
public enum MessageType : byte
{
    ServerHello = 0x01,
    ClientHello = 0x02,
    Welcome = 0x03,
    Refusal = 0x04,
    Ping = 0x10,
    Pong = 0x11,
    Goodbye = 0x12,
    Dropped = 0x13,
    Broadcast = 0x20,
}
