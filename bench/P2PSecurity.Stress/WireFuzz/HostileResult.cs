namespace P2PSecurity.Stress.WireFuzz;

/// <summary>How a hostile connection ended.</summary>
public enum HostileResult
{
    /// <summary>The server closed it (what every hostile kind must end in unless the client leaves first).</summary>
    ClosedByServer,

    /// <summary>The kind ends by the client leaving (a reset, a close) and the server did nothing wrong.</summary>
    ClosedByClient,

    /// <summary>The server had not closed it within the bound: a hostile client holding a connection.</summary>
    LeftOpen,

    /// <summary>The server answered in a way the protocol does not allow for this input.</summary>
    Unexpected,

    /// <summary>TCP connect failed or timed out: the server was not accepting.</summary>
    ConnectFailed,
}
