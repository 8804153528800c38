using System.Net;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Policy;

public sealed class WebListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9829", "127.0.0.1", 9829)]
    [InlineData("[::1]:0", "::1", 0)]
    [InlineData("0.0.0.0:8443", "0.0.0.0", 8443)]
    [InlineData("on", "127.0.0.1", 9830)]
    public void TryParse_Address_GivesEndPoint(string text, string address, int port)
    {
        Assert.True(WebListenAddress.TryParse(text, WebListenAddress.MetricsDefault, out var parsed, out _));

        Assert.Equal(new WebListenAddress(IPAddress.Parse(address), port), parsed);
    }

    [Fact]
    public void TryParse_Off_GivesNull()
    {
        Assert.True(WebListenAddress.TryParse("off", WebListenAddress.MetricsDefault, out var parsed, out _));

        Assert.Null(parsed);
    }

    [Theory]
    [InlineData("localhost:9829")]
    [InlineData("::1:9829")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:70000")]
    public void TryParse_NotAnAddress_SaysWhatIsValid(string text)
    {
        Assert.False(WebListenAddress.TryParse(text, WebListenAddress.DashboardDefault, out _, out var error));

        Assert.Contains("off, on or ADDRESS:PORT", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WebListenerSettings_DefaultsAndErrors()
    {
        var defaults = PolicyLoader.Load("", "/x/.env").Policy!;
        Assert.Equal(WebListenAddress.DashboardDefault, defaults.DashboardAddress);
        Assert.Null(defaults.MetricsAddress);

        var on = PolicyLoader.Load("METRICS_ADDRESS=on\nDASHBOARD_ADDRESS=off\n", "/x/.env").Policy!;
        Assert.Equal(WebListenAddress.MetricsDefault, on.MetricsAddress);
        Assert.Null(on.DashboardAddress);

        var bad = PolicyLoader.Load("METRICS_ADDRESS=everywhere\n", "/x/.env");
        Assert.Null(bad.Policy);
        Assert.Contains(bad.Errors, e => e.Key == "METRICS_ADDRESS" && e.Line == 1);
    }
}
