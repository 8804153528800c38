using System.Net;
using P2PSecurity.Core.Security;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.Security;

public sealed class MessageDecisionTests
{
    [Fact]
    public void EvaluateMessage_RateExceeded_DeniesUntilReplenished()
    {
        using var h = new ManagerHarness("MESSAGE_RATE_LIMIT=5/s\n");
        var slot = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.1")).Slot!;

        for (var i = 0; i < 5; i++)
        {
            Assert.True(h.Manager.EvaluateMessage(slot).Allowed, $"message {i}");
        }
        Assert.Equal(DenyReason.MessageRateExceeded, h.Manager.EvaluateMessage(slot).Reason);

        h.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(h.Manager.EvaluateMessage(slot).Allowed);
        Assert.Equal(DenyReason.MessageRateExceeded, h.Manager.EvaluateMessage(slot).Reason);
        Assert.Equal(2, h.Manager.RefusalCounts[DenyReason.MessageRateExceeded]);
    }

    [Fact]
    public void EvaluateMessage_IsPerAddressAcrossConnections()
    {
        using var h = new ManagerHarness("MESSAGE_RATE_LIMIT=4/min\nMAX_CONNECTIONS_PER_IP=5\n");
        var a = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.1")).Slot!;
        var b = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.1")).Slot!;
        var other = h.Manager.OnNewConnection(IPAddress.Parse("10.0.0.2")).Slot!;

        Assert.True(h.Manager.EvaluateMessage(a).Allowed);
        Assert.True(h.Manager.EvaluateMessage(b).Allowed);
        Assert.True(h.Manager.EvaluateMessage(a).Allowed);
        Assert.True(h.Manager.EvaluateMessage(b).Allowed);
        Assert.False(h.Manager.EvaluateMessage(a).Allowed);
        Assert.True(h.Manager.EvaluateMessage(other).Allowed);
    }
}
