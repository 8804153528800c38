using System.Text;

namespace P2PSecurity.Core.Tests.EnvFile;

/// <summary>
/// Builds random env files inside the grammar DotNetEnv accepts: every line kind, quoting style, comment position
/// and line ending, sometimes with values long enough for the parser's fast path.
/// </summary>
internal static class RandomEnvFile
{
    private const string KeyStart = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    private const string KeyRest = KeyStart + "0123456789.-";
    private const string UnquotedChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,./:_+-@%!#=*()[]{}<>?;|~^&\u00e9\u00fc";
    private const string QuotedChars = UnquotedChars + " \t\"'$\\`";

    public static string Generate(Random random)
    {
        var newline = random.Next(3) == 0 ? "\r\n" : "\n";
        var sb = new StringBuilder();
        var lines = random.Next(1, 12);
        for (var i = 0; i < lines; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    sb.Append(Spaces(random));
                    break;
                case 1:
                    sb.Append(Spaces(random)).Append('#').Append(Unquoted(random, 20));
                    break;
                default:
                    Assignment(random, sb, newline);
                    break;
            }
            if (i < lines - 1 || random.Next(2) == 0)
            {
                sb.Append(newline);
            }
        }
        return sb.ToString();
    }

    private static void Assignment(Random random, StringBuilder sb, string newline)
    {
        sb.Append(Spaces(random));
        if (random.Next(8) == 0)
        {
            sb.Append(random.Next(2) == 0 ? "export " : "set -x ");
        }
        sb.Append(KeyStart[random.Next(KeyStart.Length)]);
        for (var n = random.Next(0, 12); n > 0; n--)
        {
            sb.Append(KeyRest[random.Next(KeyRest.Length)]);
        }
        sb.Append(Spaces(random)).Append('=').Append(Spaces(random));
        var big = random.Next(5) == 0;
        var length = big ? random.Next(4_200, 9_000) : random.Next(0, 40);
        var quoted = true;
        switch (random.Next(3))
        {
            case 0:
                quoted = false;
                sb.Append(Unquoted(random, length));
                break;
            case 1:
                sb.Append('\'').Append(SingleQuoted(random, length, newline)).Append('\'');
                break;
            default:
                sb.Append('"').Append(DoubleQuoted(random, length, newline)).Append('"');
                break;
        }
        if (random.Next(3) == 0)
        {
            // An unquoted value's comment needs whitespace before '#'; after a quote it may follow directly.
            sb.Append(quoted && random.Next(2) == 0 ? string.Empty : " ").Append("# note ").Append(Unquoted(random, 10));
        }
        else
        {
            sb.Append(Spaces(random));
        }
    }

    private static string Spaces(Random random) => random.Next(3) switch
    {
        0 => string.Empty,
        1 => " ",
        _ => random.Next(2) == 0 ? "\t" : "  ",
    };

    /// <summary>Words without quotes, '$', '\' or controls, joined by spaces or tabs; no word after a space starts with '#'.</summary>
    private static string Unquoted(Random random, int length)
    {
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            if (sb.Length > 0 && random.Next(8) == 0)
            {
                sb.Append(random.Next(4) == 0 ? '\t' : ' ');
                while (random.Next(4) == 0)
                {
                    sb.Append(' ');
                }
            }
            char c;
            do
            {
                c = UnquotedChars[random.Next(UnquotedChars.Length)];
            }
            while (c == '#' && (sb.Length == 0 || sb[^1] is ' ' or '\t'));
            sb.Append(c);
        }
        return sb.ToString().TrimEnd(' ', '\t');
    }

    private static string SingleQuoted(Random random, int length, string newline)
    {
        var sb = new StringBuilder();
        while (sb.Length < length)
        {
            var r = random.Next(30);
            if (r == 0)
            {
                sb.Append(newline);
            }
            else
            {
                var c = QuotedChars[random.Next(QuotedChars.Length)];
                sb.Append(c == '\'' ? 'q' : c);
            }
        }
        return sb.ToString();
    }

    private static string DoubleQuoted(Random random, int length, string newline)
    {
        var sb = new StringBuilder();
        var plain = random.Next(2) == 0; // half the large values stay on the fast path: no '\' and no '$'
        while (sb.Length < length)
        {
            var r = random.Next(40);
            if (r == 0)
            {
                sb.Append(newline);
            }
            else if (r == 1 && !plain)
            {
                sb.Append(random.Next(6) switch
                {
                    0 => "\\n",
                    1 => "\\\"",
                    2 => "\\\\",
                    3 => "\\t",
                    4 => "$P2PS_TEST_UNSET_VARIABLE",
                    _ => "\\x41",
                });
            }
            else
            {
                var c = QuotedChars[random.Next(QuotedChars.Length)];
                sb.Append(c is '"' or '\\' or '$' ? 'd' : c);
            }
        }
        return sb.ToString();
    }
}
