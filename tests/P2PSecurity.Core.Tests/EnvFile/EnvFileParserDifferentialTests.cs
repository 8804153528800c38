using System.Text;
using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Tests.TestSupport;

namespace P2PSecurity.Core.Tests.EnvFile;

/// <summary>
/// Our parser must give exactly DotNetEnv's values for every file DotNetEnv accepts, including the large values
/// that skip DotNetEnv (the fast path).
/// </summary>
public sealed class EnvFileParserDifferentialTests
{
    private static readonly string BigCommaList = string.Join(",", Enumerable.Range(0, 120).Select(TestKeys.Hex));
    private static readonly string BigNewlineList = string.Join("\n  ", Enumerable.Range(0, 120).Select(TestKeys.Hex));
    private static readonly string BigCrLfList = string.Join(",\r\n", Enumerable.Range(0, 400).Select(i => $"10.{i / 256}.{i % 256}.0/24"));

    public static TheoryData<string, string> Corpus => new()
    {
        { "empty", string.Empty },
        { "comments only", "# a\n\n   # b\n" },
        { "simple", "A=1\nB=two\nC=three words\n" },
        { "no final newline", "A=1\nB=2" },
        { "crlf", "A=1\r\nB=\"x\"\r\n# c\r\nC='y'\r\n" },
        { "bom", "\uFEFFA=1\nB=2\n" },
        { "spaces", "  A =  1  \n\tB\t=\t2\t\n" },
        { "export and set", "export A=1\nset B=2\nset -x C=3\nSET D=4\nsettings=5\n" },
        { "inline comments", "A=1 # c\nB=x#y\nC=#z\nD=\"q\" # c\nE='r'#c\n" },
        { "quotes", "A='single \"inner\" $NOPE \\n'\nB=\"double 'inner' \\\"esc\\\" \\\\ \\t\"\n" },
        { "escapes", "A=\"\\x41\\101\\u00e9\\U0001F600\\a\\b\\f\\v\\?\\$\\`\"\n" },
        { "interpolation", "A=$P2PS_TEST_UNSET_1\nB=\"pre${P2PS_TEST_UNSET_2}post\"\nC=lone$\nD=\"$\"\n" },
        { "multi-line", "A=\"line1\nline2\n  line3\"\nB='p\r\nq'\nC=3\n" },
        { "duplicates", "A=1\nB=2\nA=3\n" },
        { "unicode", "KEY=caf\u00e9\nÜBER=\"\u65e5\u672c\"\nE='\U0001F600'\n" },
        { "dots and dashes", "a.b-c=1\n_under=2\n" },
        { "empty values", "A=\nB=''\nC=\"\"\nD= \n" },
        { "big unquoted list", $"ALLOWED_NODE_KEYS={BigCommaList}\nX=1\n" },
        { "big unquoted list with spaces", $"ALLOWED_NODE_KEYS={BigCommaList.Replace(",", " , ", StringComparison.Ordinal)}   # trailing comment\n" },
        { "big double-quoted multi-line list", $"ALLOWED_NODE_KEYS=\"\n  {BigNewlineList}\n\"\nX=1\n" },
        { "big single-quoted list", $"BLOCKED_NODE_KEYS='{BigNewlineList}'\n" },
        { "big crlf list", $"BLOCKED_IP_ADDRESSES=\"{BigCrLfList}\"\r\nX=1\r\n" },
        { "big double-quoted with escape (slow path)", $"A=\"{BigCommaList}\\n{BigCommaList}\"\n" },
        { "big unquoted with dollar (slow path)", $"A={BigCommaList}$P2PS_TEST_UNSET_3\n" },
        { "big then duplicate", $"A={BigCommaList}\nA=small\n" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Parse_WellFormedFile_MatchesDotNetEnv(string name, string text)
    {
        AssertSameAsDotNetEnv(name, text);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parse_RandomWellFormedFile_MatchesDotNetEnv(int seed)
    {
        AssertSameAsDotNetEnv($"seed {seed}", RandomEnvFile.Generate(new Random(seed)));
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 150)];

    [Fact]
    public void Parse_LargeValue_TakesFastPathAndStillMatches()
    {
        // The corpus needs values over the threshold, or the fast path is never compared.
        Assert.True(BigCommaList.Length > EnvFileParser.FastPathThreshold);
        Assert.True(BigNewlineList.Length > EnvFileParser.FastPathThreshold);
        Assert.True(BigCrLfList.Length > EnvFileParser.FastPathThreshold);
    }

    private static void AssertSameAsDotNetEnv(string name, string text)
    {
        // DotNetEnv.Env.Load(path) reads with File.ReadAllText, which drops a BOM; LoadContents takes the text as is.
        var withoutBom = text.StartsWith('\uFEFF') ? text[1..] : text;
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in DotNetEnv.Env.LoadContents(withoutBom, DotNetEnv.Env.NoEnvVars()))
        {
            expected[pair.Key] = pair.Value;
        }

        var document = EnvFileParser.Parse(text);

        Assert.True(document.Errors.Count == 0, $"{name}: unexpected errors {string.Join("; ", document.Errors)}\n{Show(text)}");
        var actual = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in document.Assignments)
        {
            actual[assignment.Key] = assignment.Value;
        }
        Assert.True(expected.Count == actual.Count, $"{name}: keys {string.Join(",", expected.Keys)} vs {string.Join(",", actual.Keys)}\n{Show(text)}");
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var ours), $"{name}: missing {key}\n{Show(text)}");
            Assert.True(value == ours, $"{name}: {key} is [{Show(ours)}], DotNetEnv says [{Show(value)}]\n{Show(text)}");
        }
    }

    private static string Show(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.Length > 2000 ? text[..2000] : text)
        {
            sb.Append(c switch { '\r' => "\\r", '\n' => "\\n\n", '\t' => "\\t", _ => c.ToString() });
        }
        return sb.ToString();
    }
}
