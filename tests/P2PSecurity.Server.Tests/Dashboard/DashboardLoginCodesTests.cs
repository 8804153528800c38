using Microsoft.Extensions.Time.Testing;
using P2PSecurity.Server.Dashboard;

namespace P2PSecurity.Server.Tests.Dashboard;

public sealed class DashboardLoginCodesTests
{
    [Fact]
    public void Redeem_FreshCode_WorksOnceThenFails()
    {
        var codes = new DashboardLoginCodes(new FakeTimeProvider());
        var (code, _) = codes.Issue();

        Assert.True(codes.TryRedeem(code));
        Assert.False(codes.TryRedeem(code));
    }

    [Fact]
    public void Redeem_AfterTwoMinutes_Fails()
    {
        var time = new FakeTimeProvider();
        var codes = new DashboardLoginCodes(time);
        var (early, expires) = codes.Issue();
        var (late, _) = codes.Issue();

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(2), expires);
        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.True(codes.TryRedeem(early));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(codes.TryRedeem(late));
    }

    [Fact]
    public void Redeem_UnknownOrEmptyCode_Fails()
    {
        var codes = new DashboardLoginCodes(new FakeTimeProvider());
        var (code, _) = codes.Issue();

        Assert.False(codes.TryRedeem(null));
        Assert.False(codes.TryRedeem(""));
        Assert.False(codes.TryRedeem(code.ToUpperInvariant() + "0"));
        Assert.True(codes.TryRedeem(code));
    }

    [Fact]
    public void Issue_MoreThanTheCap_ForgetsTheOldest()
    {
        var time = new FakeTimeProvider();
        var codes = new DashboardLoginCodes(time);
        var oldest = codes.Issue().Code;
        var rest = new List<string>();
        for (var i = 0; i < DashboardLoginCodes.MaxOutstanding; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            rest.Add(codes.Issue().Code);
        }

        Assert.False(codes.TryRedeem(oldest));
        Assert.All(rest, c => Assert.True(codes.TryRedeem(c)));
    }
}
