using P2PSecurity.Core.Logging;

namespace P2PSecurity.Core.Tests.Logging;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a\nconnection_refused remote=1.2.3.4", "a\\nconnection_refused remote=1.2.3.4")]
    [InlineData("a\r\nb", "a\\r\\nb")]
    [InlineData("tab\there", "tab\\there")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("esc\u001b[31mred", "esc\\u001b[31mred")]
    [InlineData("nul\0", "nul\\u0000")]
    [InlineData("del\u007f", "del\\u007f")]
    [InlineData("nel\u0085x", "nel\\u0085x")]
    [InlineData("csi\u009bx", "csi\\u009bx")]
    [InlineData("ls\u2028ps\u2029", "ls\\u2028ps\\u2029")]
    [InlineData("bidi\u202eevil", "bidi\\u202eevil")]
    [InlineData("caf\u00e9 \u65e5\u672c", "caf\u00e9 \u65e5\u672c")]
    [InlineData(null, "")]
    public void Escape_PeerText_CannotBreakTheLine(string? input, string expected)
    {
        var escaped = LogText.Escape(input);

        Assert.Equal(expected, escaped);
        Assert.DoesNotContain(escaped, c => char.IsControl(c) || c is '\u2028' or '\u2029');
    }

    [Fact]
    public void Escape_LongText_IsCutWithAMarker()
    {
        var escaped = LogText.Escape(new string('x', 10_000));

        Assert.Equal(new string('x', LogText.MaxLength) + "...(10000 chars)", escaped);
    }

    [Fact]
    public void Escape_ShortTextThatGrowsWhenEscaped_IsCutWithAMarker()
    {
        var escaped = LogText.Escape(new string('\n', 150));

        Assert.EndsWith("...(150 chars)", escaped, StringComparison.Ordinal);
        Assert.True(escaped.Length <= LogText.MaxLength + 20);
    }

    [Fact]
    public void Escape_Surrogates_AreShownNotPassedThrough()
    {
        var escaped = LogText.Escape("lone\ud800high");

        Assert.Equal("lone\\ud800high", escaped);
    }
}
