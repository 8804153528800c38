using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Tests.EnvFile;

public sealed class EnvFileParserTests
{
    public static TheoryData<string, string, string> GoodLines => new()
    {
        { "KEY=value\n", "KEY", "value" },
        { "KEY=\n", "KEY", string.Empty },
        { "KEY=", "KEY", string.Empty },
        { "KEY=value", "KEY", "value" },
        { "export KEY=v\n", "KEY", "v" },
        { "set KEY=v\n", "KEY", "v" },
        { "set -x KEY=v\n", "KEY", "v" },
        { "SET KEY=v\n", "KEY", "v" },
        { "exportKEY=v\n", "exportKEY", "v" },
        { "settings=v\n", "settings", "v" },
        { "KEY=v # a comment\n", "KEY", "v" },
        { "KEY=v#not-a-comment\n", "KEY", "v#not-a-comment" },
        { "KEY=#only a comment\n", "KEY", string.Empty },
        { "KEY='a # b'\n", "KEY", "a # b" },
        { "KEY=\"x\"# comment right after the quote\n", "KEY", "x" },
        { "KEY=\"a\\nb\"\n", "KEY", "a\nb" },
        { "KEY=\"say \\\"hi\\\"\"\n", "KEY", "say \"hi\"" },
        { "KEY='no \\n escapes'\n", "KEY", "no \\n escapes" },
        { "KEY=value\r\n", "KEY", "value" },
        { "  KEY =  spaced value  \n", "KEY", "spaced value" },
        { "\tKEY\t=\tv\t\n", "KEY", "v" },
        { "dotted.key-name=v\n", "dotted.key-name", "v" },
        { "КЛЮЧ=1\n", "КЛЮЧ", "1" },
        { "\uFEFFKEY=bom\n", "KEY", "bom" },
        { "KEY=\"multi\nline\"\n", "KEY", "multi\nline" },
        { "KEY='crlf\r\ninside'\r\n", "KEY", "crlf\r\ninside" },
        { "KEY=a$\n", "KEY", "a$" },
        { "KEY=${P2PS_TEST_SURELY_UNSET_VARIABLE}x\n", "KEY", "x" },
    };

    [Theory]
    [MemberData(nameof(GoodLines))]
    public void Parse_GoodLine_GivesKeyAndValue(string text, string key, string value)
    {
        var document = EnvFileParser.Parse(text);

        Assert.Empty(document.Errors);
        var assignment = Assert.Single(document.Assignments);
        Assert.Equal(key, assignment.Key);
        Assert.Equal(value, assignment.Value);
        Assert.Equal(1, assignment.Line);
    }

    public static TheoryData<string, int, string> BadFiles => new()
    {
        { "KEY\n", 1, "'KEY' must be followed by '=', found end of line" },
        { "KEY\r\n", 1, "'KEY' must be followed by '=', found end of line" },
        { "A=1\nKEY", 2, "'KEY' must be followed by '=', found end of file" },
        { "KEY value\n", 1, "'KEY' must be followed by '=', found 'v'" },
        { "=value\n", 1, "expected KEY=VALUE, found '='" },
        { "1KEY=value\n", 1, "expected KEY=VALUE, found '1'" },
        { "A=1\n\nKEY=\"never closed\nB=2\n", 3, "KEY: the double quote opened on this line is never closed" },
        { "KEY='never closed\n", 1, "KEY: the single quote opened on this line is never closed" },
        { "KEY=\"a\" b\n", 1, "KEY: unexpected 'b' after the closing quote" },
        { "KEY=\"a\nb\" c\n", 2, "KEY: unexpected 'c' after the closing quote" },
        { "KEY=a'b\n", 1, "KEY: value could not be parsed (unexpected '''; expected LineTerminator)" },
        { "KEY=a\u00a0b\n", 1, "KEY: value could not be parsed (unexpected '\u00a0'; expected LineTerminator)" },
        { "KEY=v\rOTHER=1\n", 1, "KEY: a lone carriage return (U+000D) is not a line end; use \\n or \\r\\n" },
        { "KEY=v # c\rOTHER=1\n", 1, "KEY: a lone carriage return (U+000D) is not a line end; use \\n or \\r\\n" },
        { "KEY=v\r", 1, "the file ends with a lone carriage return (U+000D); end it with \\n or \\r\\n" },
        { "# comment\rOTHER=1\n", 1, "a lone carriage return (U+000D) is not a line end; use \\n or \\r\\n" },
        { "\rOTHER=1\n", 1, "expected KEY=VALUE, found character U+000D" },
        { "KEY=\"a\"\rOTHER=1\n", 1, "KEY: unexpected character U+000D after the closing quote" },
        { "KEY=a\fb\n", 1, "KEY: value could not be parsed (unexpected '\\u000c'; expected LineTerminator)" },
        { "KEY=\fvalue\n", 1, "KEY: value could not be parsed (unexpected '\\u000c'; expected LineTerminator)" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Parse_BadLine_ReportsLineAndReason(string text, int line, string message)
    {
        var document = EnvFileParser.Parse(text);

        Assert.Contains(new EnvParseError(line, message), document.Errors);
    }

    [Fact]
    public void Parse_LoneCarriageReturn_NeverHidesAnAssignment()
    {
        // In a terminal "# x\rEVIL=1" shows only "EVIL=1"; a parser that ignores it would diverge from what is seen.
        var document = EnvFileParser.Parse("# harmless\rMAX_CONNECTIONS_PER_IP=1000\nA=1\n");

        Assert.NotEmpty(document.Errors);
        Assert.Equal("A", Assert.Single(document.Assignments).Key);
    }

    [Fact]
    public void Parse_ErrorsOnEveryBadLine_ReportedTogether()
    {
        var document = EnvFileParser.Parse("A=1\nbad line\nB=2\n=x\nC=\"open\n");

        Assert.Equal([2, 4, 5], document.Errors.Select(e => e.Line));
        Assert.Equal(["A", "B"], document.Assignments.Select(a => a.Key));
    }

    [Fact]
    public void Parse_LinesAfterMultiLineValue_KeepTheirNumbers()
    {
        var document = EnvFileParser.Parse("A=1\nB=\"x\ny\nz\"\nC=3\r\nD='p\r\nq'\r\nE=5");

        Assert.Equal([1, 2, 5, 6, 8], document.Assignments.Select(a => a.Line));
        Assert.Equal(3, document.Assignments[1].LineOf(document.Assignments[1].Value.IndexOf('y', StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("KEY=plain # c\n", "plain")]
    [InlineData("KEY = 'single' \n", "'single'")]
    [InlineData("export KEY=\"dq\\\"x\"\n", "\"dq\\\"x\"")]
    [InlineData("\uFEFFKEY=\"a\nb\"\n", "\"a\nb\"")]
    [InlineData("KEY=\n", "")]
    public void Parse_ValueSpan_IsExactlyTheRawValue(string text, string raw)
    {
        var assignment = Assert.Single(EnvFileParser.Parse(text).Assignments);

        Assert.Equal(raw, text.Substring(assignment.ValueStart, assignment.ValueLength));
    }

    [Theory]
    [InlineData("KEY=a\n", EnvQuote.None)]
    [InlineData("KEY='a'\n", EnvQuote.SingleQuoted)]
    [InlineData("KEY=\"a\"\n", EnvQuote.DoubleQuoted)]
    public void Parse_Quote_IsReported(string text, EnvQuote quote) =>
        Assert.Equal(quote, Assert.Single(EnvFileParser.Parse(text).Assignments).Quote);

    [Theory]
    [InlineData("KEY=a$b\n", true)]
    [InlineData("KEY=\"a$b\"\n", true)]
    [InlineData("KEY='a$b'\n", false)]
    [InlineData("KEY=ab\n", false)]
    public void Parse_Dollar_MarksInterpolation(string text, bool interpolated) =>
        Assert.Equal(interpolated, Assert.Single(EnvFileParser.Parse(text).Assignments).Interpolated);

    [Fact]
    public void Parse_DuplicateKey_KeepsBothAndLastWins()
    {
        var document = EnvFileParser.Parse("K=1\nK=2\n");

        Assert.Equal(2, document.Assignments.Count);
        Assert.Equal("2", document.Last("K")?.Value);
        Assert.Null(document.Last("k"));
    }

    [Fact]
    public void Parse_BinaryGarbage_NeverThrowsAndCapsErrors()
    {
        var random = new Random(42);
        var chars = new char[20_000];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(10) == 0 ? '\n' : (char)random.Next(0, 0x3000);
        }

        var document = EnvFileParser.Parse(new string(chars));

        Assert.Equal(EnvFileParser.MaxErrors + 1, document.Errors.Count);
        Assert.StartsWith("... and ", document.Errors[^1].Message, StringComparison.Ordinal);
        Assert.All(document.Errors, e => Assert.DoesNotContain('\n', e.Message));
    }

    [Fact]
    public void Parse_SecretLikeKey_ErrorDoesNotEchoTheValue()
    {
        const string Secret = "correct-horse-battery'staple";

        var text = $"NETWORK_SECRET_KEY={Secret}\nDB_PASSWORD=\"{Secret}\"x\nAPI_TOKEN={Secret}\n";
        var document = EnvFileParser.Parse(text);

        Assert.Equal(3, document.Errors.Count);
        foreach (var error in document.Errors)
        {
            Assert.DoesNotContain("staple", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("horse", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("'''", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("'x'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_DotNetEnvError_NeverEchoesRecentlyConsumedText()
    {
        var document = EnvFileParser.Parse("SOME_KEY=abcdefghijklmnop'q\n");

        var error = Assert.Single(document.Errors);
        Assert.DoesNotContain("recently consumed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ghijklmnop", error.Message, StringComparison.Ordinal);
    }
}
