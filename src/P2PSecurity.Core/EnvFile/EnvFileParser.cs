using System.Globalization;

namespace P2PSecurity.Core.EnvFile;

/// <summary>
/// Splits an env file into assignments with their line numbers and exact value spans.
/// </summary>
/// <remarks>
/// DotNetEnv decides what a value means (quoting, escapes, inline comments): every assignment is handed to it on
/// its own, so one bad line is reported with its line number instead of failing the whole file. The one exception
/// is a large value with nothing for DotNetEnv to interpret or reject (no backslash, no '$', no control character,
/// and unquoted: no quote and no whitespace but space and tab): DotNetEnv's combinator parser needs about 800 ms for
/// a 6.6 MB list of 100,000 keys, while the value it returns is exactly the characters between the quotes (or the
/// trimmed unquoted text). Those values are taken directly; a differential test checks that both paths agree.
/// The line grammar (command prefixes, key characters, inline whitespace, line ends) follows DotNetEnv's.
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
                EndLine(null);
                return;
            }
            if (SkipCommandPrefix())
            {
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
                var found = _pos >= _text.Length ? "end of file" : AtEndOfLine() ? "end of line" : Describe(_text[_pos]);
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
                // What follows a secret's closing quote may be part of the secret: do not show it.
                var what = IsSecretLike(key) ? "text" : Describe(_text[_pos]);
                Error(_line, $"{Shorten(key)}: unexpected {what} after the closing quote");
                SkipToNextLine();
                return;
            }
            var raw = _text.Substring(start, close + 1 - start);
            var kind = quote == '"' ? EnvQuote.DoubleQuoted : EnvQuote.SingleQuoted;
            var inner = raw[1..^1];
            var literal = (kind == EnvQuote.SingleQuoted || (inner.IndexOf('\\') < 0 && inner.IndexOf('$') < 0)) && IsPlainQuoted(inner);
            Add(key, keyLine, start, raw, kind, literal ? inner : null);
            EndLine(key);
        }

        private void ParseUnquoted(string key, int keyLine)
        {
            var start = _pos;
            var end = _pos;
            // A lone '\r' ends the value too; EndLine then reports it.
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
            Add(key, keyLine, start, raw, EnvQuote.None, IsPlainUnquoted(raw) ? raw : null);
            _pos = end;
            EndLine(key);
        }

        /// <summary>
        /// Skips DotNetEnv's optional command prefix (<c>export</c>, <c>set -x</c>, <c>set</c>, <c>SET</c>, then
        /// whitespace), so that a file written for a shell means the same here as there.
        /// </summary>
        private bool SkipCommandPrefix()
        {
            foreach (var prefix in CommandPrefixes)
            {
                if (string.CompareOrdinal(_text, _pos, prefix, 0, prefix.Length) == 0)
                {
                    // Like DotNetEnv, the first prefix that matches decides: "set -xKEY=1" is not "set" + "-xKEY".
                    if (_pos + prefix.Length < _text.Length && IsSpace(_text[_pos + prefix.Length]))
                    {
                        _pos += prefix.Length;
                        SkipSpaces();
                        return true;
                    }
                    return false;
                }
            }
            return false;
        }

        /// <summary>
        /// Moves past the rest of a line that holds nothing but an optional comment. A carriage return not followed
        /// by a line feed is an error, not a line end: a terminal shows what follows it over the line's start, so it
        /// could hide an assignment from a reader while a lax parser skips it (or the other way round).
        /// </summary>
        private void EndLine(string? key)
        {
            var nl = _text.IndexOf('\n', _pos);
            var lineEnd = nl < 0 ? _text.Length : nl;
            var cr = _text.IndexOf('\r', _pos, lineEnd - _pos);
            if (cr >= 0 && cr != lineEnd - 1)
            {
                var where = key is null ? string.Empty : $"{Shorten(key)}: ";
                Error(_line, where + "a lone carriage return (U+000D) is not a line end; use \\n or \\r\\n");
            }
            else if (cr >= 0 && nl < 0)
            {
                Error(_line, "the file ends with a lone carriage return (U+000D); end it with \\n or \\r\\n");
            }
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
                Error(line, $"{Shorten(key)}: value could not be parsed ({Reason(key, ex.Message)})");
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

        private bool AtEndOfLine() => _pos >= _text.Length || IsLineEnd(_pos);

        /// <summary>A line ends at "\n" or "\r\n", as in DotNetEnv; a lone "\r" does not end one.</summary>
        private bool IsLineEnd(int i) =>
            _text[i] == '\n' || (_text[i] == '\r' && i + 1 < _text.Length && _text[i + 1] == '\n');

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

        // DotNetEnv's inline whitespace is space and tab only; its keys are letters (any script), digits, '_', '.', '-'.
        private static bool IsSpace(char c) => c is ' ' or '\t';

        private static bool IsKeyStart(char c) => char.IsLetter(c) || c == '_';

        private static bool IsKeyChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-';

        /// <summary>
        /// True when DotNetEnv would return the unquoted text unchanged: no '$' or '\', no quote, and no control
        /// or whitespace character other than space and tab (DotNetEnv rejects those).
        /// </summary>
        private static bool IsPlainUnquoted(string raw)
        {
            foreach (var c in raw)
            {
                if (c is '$' or '\\' or '"' or '\'' || (c is not (' ' or '\t') && (char.IsControl(c) || char.IsWhiteSpace(c))))
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>True when DotNetEnv accepts every character between the quotes as it is (no control character that is not whitespace).</summary>
        private static bool IsPlainQuoted(string inner)
        {
            foreach (var c in inner)
            {
                if (char.IsControl(c) && !char.IsWhiteSpace(c))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private static readonly string[] CommandPrefixes = ["export", "set -x", "set", "SET"];

    /// <summary>
    /// DotNetEnv's (Sprache's) error without what follows the reason: "(Line 1, Column 9)" counts in the single line
    /// handed to it, and "recently consumed: ..." repeats the value, which may be a secret. For a key that looks
    /// secret even the unexpected character is left out.
    /// </summary>
    private static string Reason(string key, string message)
    {
        if (IsSecretLike(key))
        {
            return "details hidden because the value looks secret; check its quoting";
        }
        var reason = message.Split('\n')[0];
        if (reason.StartsWith("Parsing failure: ", StringComparison.Ordinal))
        {
            reason = reason["Parsing failure: ".Length..];
        }
        var position = reason.IndexOf(" (Line ", StringComparison.Ordinal);
        if (position >= 0)
        {
            reason = reason[..position];
        }
        return Shorten(reason);
    }

    /// <summary>Keys whose values must not be echoed in errors: ours and the usual secrets of programs that share the file.</summary>
    internal static bool IsSecretLike(string key)
    {
        foreach (var word in SecretWords)
        {
            if (key.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly string[] SecretWords = ["SECRET", "PASSWORD", "PASSWD", "TOKEN", "PRIVATE", "CREDENTIAL", "API_KEY", "APIKEY"];

    /// <summary>Names a character so that control characters and binary garbage print safely.</summary>
    internal static string Describe(char c) =>
        c < ' ' || c == '\u007f' || char.IsSurrogate(c) || c == '\uFFFD'
            ? $"character U+{(int)c:X4}"
            : $"'{c}'";

    internal static string Shorten(string s) => s.Length <= 60 ? Logging.LogText.Escape(s) : Logging.LogText.Escape(s[..57]) + "...";

    /// <summary>
    /// Cuts a value for a diagnostic without escaping it (the diagnostic escapes when it prints). Long enough for a
    /// node key in any accepted form (sha256: prefix and colons: 102 characters).
    /// </summary>
    internal static string Truncate(string s) => s.Length <= 120 ? s : s[..117] + "...";
}
