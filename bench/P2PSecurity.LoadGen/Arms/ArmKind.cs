namespace P2PSecurity.LoadGen.Arms;

/// <summary>Which server an arm runs.</summary>
internal enum ArmKind
{
    /// <summary>The real node server with the arm's .env.</summary>
    Node,

    /// <summary>A DotNetty server that closes every connection at accept.</summary>
    BareClose,

    /// <summary>The node server's TLS pipeline and handshake messages with no policy.</summary>
    BareTls,
}
