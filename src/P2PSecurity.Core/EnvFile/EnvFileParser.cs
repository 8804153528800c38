using System.Globalization;

namespace P2PSecurity.Core.EnvFile;

/// <summary>
/// Splits an env file into assignments with their line numbers and exact value spans.
/// </summary>
/// <remarks>
/// DotNetEnv decides what a value means (quoting, escapes, inline comments): every assignment is handed to it on
/// its own, so one bad line is reported with its line number instead of failing the whole file. The one exception
/// is a large value with nothing for DotNetEnv to interpret (no backslash, no '$'): DotNetEnv's combinator parser
/// needs about 800 ms for a 6.6 MB list of 100,000 keys, while the value it returns is exactly the characters
/// between the quotes (or the trimmed unquoted text). Those values are taken directly; a differential test checks
/// that both paths agree.
/// </remarks>
public static class EnvFileParser
{
    /// <summary>Raw values at least this long, with nothing to interpret, skip DotNetEnv.</summary>
    internal const int FastPathThreshold = 4 * 1024;

    /// <summary>After this many errors the rest are summarised in one line (a binary file would give thousands).</summary>
    internal const int MaxErrors = 50;

    /// <summary>Parses <paramref name="text"/>; never throws for any input.</summary>
    public static EnvDocument Parse(string text)
    {
        var scanner = new Scanner(text);
        scanner.Run();
        return new EnvDocument(text, scanner.Assignments, scanner.Errors);
    }

    private sealed class Scanner(string text)
    {
        private readonly string _text = text;
        private int _pos;
        private int _line = 1;
        private int _suppressedErrors;

        public List<EnvAssignment> Assignments { get; } = [];

        public List<EnvParseError> Errors { get; } = [];

        public void Run()
        {
            if (_text.Length > 0 && _text[0] == '\uFEFF')
            {
                _pos = 1;
            }
            while (_pos < _text.Length)
            {
                ParseLine();
            }
            if (_suppressedErrors > 0)
            {
                Errors.Add(new EnvParseError(_line, $"... and {_suppressedErrors.ToString("N0", CultureInfo.InvariantCulture)} more syntax errors"));
            }
        }

        private void ParseLine()
        {
            SkipSpaces();
            if (AtEndOfLine())
            {
                SkipToNextLine();
                return;
            }
            var c = _text[_pos];
            if (c == '#')
            {
                SkipToNextLine();
                return;
            }
            if (string.CompareOrdinal(_text, _pos, "export", 0, 6) == 0 && _pos + 6 < _text.Length && IsSpace(_text[_pos + 6]))
            {
                _pos += 6;
                SkipSpaces();
                c = _pos < _text.Length ? _text[_pos] : '\n';
            }
            if (!IsKeyStart(c))
            {
                Error(_line, $"expected KEY=VALUE, found {Describe(c)}");
                SkipToNextLine();
                return;
            }
            var keyStart = _pos;
            while (_pos < _text.Length && IsKeyChar(_text[_pos]))
            {
                _pos++;
            }
            var key = _text[keyStart.._pos];
            SkipSpaces();
            if (_pos >= _text.Length || _text[_pos] != '=')
            {
                var found = _pos >= _text.Length ? "end of file" : Describe(_text[_pos]);
                Error(_line, $"'{Shorten(key)}' must be followed by '=', found {found}");
                SkipToNextLine();
                return;
            }
            _pos++;
            SkipSpaces();
            var keyLine = _line;
            if (_pos < _text.Length && (_text[_pos] == '\'' || _text[_pos] == '"'))
            {
                ParseQuoted(key, keyLine);
            }
            else
            {
                ParseUnquoted(key, keyLine);
            }
        }

        private void ParseQuoted(string key, int keyLine)
        {
            var quote = _text[_pos];
            var start = _pos;
            var close = FindClosingQuote(quote, _pos + 1);
            if (close < 0)
            {
                var name = quote == '"' ? "double" : "single";
                Error(keyLine, $"{Shorten(key)}: the {name} quote opened on this line is never closed");
                SkipToNextLine();
                return;
            }
            for (var i = _pos; i < close; i++)
            {
                if (_text[i] == '\n')
                {
                    _line++;
                }
            }
            _pos = close + 1;
            SkipSpaces();
            if (!AtEndOfLine() && _text[_pos] != '#')
            {
                Error(_line, $"{Shorten(key)}: unexpected {Describe(_text[_pos])} after the closing quote");
                SkipToNextLine();
                return;
            }
            var raw = _text.Substring(start, close + 1 - start);
            var kind = quote == '"' ? EnvQuote.DoubleQuoted : EnvQuote.SingleQuoted;
            var inner = raw[1..^1];
            var literal = kind == EnvQuote.SingleQuoted || (inner.IndexOf('\\') < 0 && inner.IndexOf('$') < 0);
            Add(key, keyLine, start, raw, kind, literal ? inner : null);
            SkipToNextLine();
        }

        private void ParseUnquoted(string key, int keyLine)
        {
            var start = _pos;
            var end = _pos;
            while (end < _text.Length && _text[end] != '\n' && _text[end] != '\r')
            {
                // An unquoted value ends at a '#' that starts it or follows whitespace: the rest is a comment.
                if (_text[end] == '#' && (end == start || IsSpace(_text[end - 1])))
                {
                    break;
                }
                end++;
            }
            var valueEnd = end;
            while (valueEnd > start && IsSpace(_text[valueEnd - 1]))
            {
                valueEnd--;
            }
            var raw = _text[start..valueEnd];
            Add(key, keyLine, start, raw, EnvQuote.None, raw.IndexOf('$') < 0 && raw.IndexOf('\\') < 0 ? raw : null);
            _pos = end;
            SkipToNextLine();
        }

        private void Add(string key, int line, int start, string raw, EnvQuote quote, string? literal)
        {
            string value;
            if (literal is not null && raw.Length >= FastPathThreshold)
            {
                value = literal;
            }
            else
            {
                var interpreted = InterpretWithDotNetEnv(key, raw, line);
                if (interpreted is null)
                {
                    return;
                }
                value = interpreted;
            }
            var interpolated = quote != EnvQuote.SingleQuoted && raw.Contains('$', StringComparison.Ordinal);
            Assignments.Add(new EnvAssignment(key, value, line, start, raw.Length, quote, interpolated));
        }

        private string? InterpretWithDotNetEnv(string key, string raw, int line)
        {
            try
            {
                // NoEnvVars: parse only, never touch the process environment.
                foreach (var pair in DotNetEnv.Env.LoadContents($"{key}={raw}\n", DotNetEnv.Env.NoEnvVars()))
                {
                    return pair.Value;
                }
                return string.Empty;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var reason = ex.Message.Split('\n')[0];
                Error(line, $"{Shorten(key)}: value could not be parsed ({Shorten(reason)})");
                return null;
            }
        }

        private int FindClosingQuote(char quote, int from)
        {
            if (quote == '\'')
            {
                return _text.IndexOf('\'', from);
            }
            for (var i = from; i < _text.Length; i++)
            {
                var c = _text[i];
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    return i;
                }
            }
            return -1;
        }

        private void Error(int line, string message)
        {
            if (Errors.Count < MaxErrors)
            {
                Errors.Add(new EnvParseError(line, message));
            }
            else
            {
                _suppressedErrors++;
            }
        }

        private bool AtEndOfLine() => _pos >= _text.Length || _text[_pos] == '\n' || _text[_pos] == '\r';

        private void SkipSpaces()
        {
            while (_pos < _text.Length && IsSpace(_text[_pos]))
            {
                _pos++;
            }
        }

        private void SkipToNextLine()
        {
            var nl = _text.IndexOf('\n', _pos);
            if (nl < 0)
            {
                _pos = _text.Length;
                return;
            }
            _pos = nl + 1;
            _line++;
        }

        private static bool IsSpace(char c) => c is ' ' or '\t' or '\f' or '\v';

        private static bool IsKeyStart(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

        private static bool IsKeyChar(char c) => IsKeyStart(c) || c is (>= '0' and <= '9') or '.' or '-';
    }

    /// <summary>Names a character so that control characters and binary garbage print safely.</summary>
    internal static string Describe(char c) =>
        c < ' ' || c == '\u007f' || char.IsSurrogate(c) || c == '\uFFFD'
            ? $"character U+{(int)c:X4}"
            : $"'{c}'";

    internal static string Shorten(string s) => s.Length <= 60 ? Logging.LogText.Escape(s) : Logging.LogText.Escape(s[..57]) + "...";
}
