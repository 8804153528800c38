using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Core.Tests.Security;

public sealed class MessageFloodGuardTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void OnDropped_FirstDrop_Notifies_NextWithinASecond_DoesNot()
    {
        var guard = new MessageFloodGuard(_time);

        Assert.Equal(FloodVerdict.DropAndNotify, guard.OnDropped());
        Assert.Equal(FloodVerdict.Drop, guard.OnDropped());
        _time.Advance(MessageFloodGuard.NoticeInterval);
        Assert.Equal(FloodVerdict.DropAndNotify, guard.OnDropped());
    }

    [Fact]
    public void OnDropped_MoreThanTheLimitWithinTheWindow_Disconnects()
    {
        var guard = new MessageFloodGuard(_time);
        for (var i = 0; i < MessageFloodGuard.DisconnectAfterDrops; i++)
        {
            Assert.NotEqual(FloodVerdict.Disconnect, guard.OnDropped());
        }

        Assert.Equal(FloodVerdict.Disconnect, guard.OnDropped());
    }

    [Fact]
    public void OnDropped_DropsSpreadOverWindows_NeverDisconnect()
    {
        var guard = new MessageFloodGuard(_time);
        for (var window = 0; window < 3; window++)
        {
            for (var i = 0; i < MessageFloodGuard.DisconnectAfterDrops; i++)
            {
                Assert.NotEqual(FloodVerdict.Disconnect, guard.OnDropped());
            }
            _time.Advance(MessageFloodGuard.Window + TimeSpan.FromMilliseconds(1));
        }
    }
}
