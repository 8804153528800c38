namespace P2PSecurity.Core.Security;

/// <summary>
/// Decides, for one connection, what follows a message dropped by MESSAGE_RATE_LIMIT. The rule (docs/PROTOCOL.md):
/// the peer is told at the first drop and then at most once per <see cref="NoticeInterval"/>; a connection with more
/// than <see cref="DisconnectAfterDrops"/> drops within <see cref="Window"/> has ignored the notices and is closed.
/// </summary>
/// <remarks>Not thread-safe: one instance per connection, used from that connection's event loop.</remarks>
public sealed class MessageFloodGuard(TimeProvider time)
{
    public const int DisconnectAfterDrops = 50;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan NoticeInterval = TimeSpan.FromSeconds(1);

    private long _windowStart;
    private long _lastNotice;
    private int _dropsInWindow;
    private bool _notified;

    /// <summary>Drops counted in the current window (for logs and tests).</summary>
    public int DropsInWindow => _dropsInWindow;

    /// <summary>Call for each dropped message.</summary>
    public FloodVerdict OnDropped()
    {
        var now = time.GetTimestamp();
        if (_dropsInWindow == 0 || time.GetElapsedTime(_windowStart, now) > Window)
        {
            _windowStart = now;
            _dropsInWindow = 0;
        }
        _dropsInWindow++;
        if (_dropsInWindow > DisconnectAfterDrops)
        {
            return FloodVerdict.Disconnect;
        }
        if (!_notified || time.GetElapsedTime(_lastNotice, now) >= NoticeInterval)
        {
            _notified = true;
            _lastNotice = now;
            return FloodVerdict.DropAndNotify;
        }
        return FloodVerdict.Drop;
    }
}
