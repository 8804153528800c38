namespace P2PSecurity.Stress.SlowClients;

/// <summary>How a slow client ended.</summary>
public enum SlowResult
{
    Closed,
    LeftOpen,
    ConnectFailed,
}
