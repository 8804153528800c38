using System.Globalization;

namespace P2PSecurity.Core.EnvFile;

/// <summary>
/// Walks an env file line by line with DotNetEnv's line grammar (see <see cref="EnvFileParser"/>), collecting
/// assignments with their exact spans and every syntax error.
/// </summary>
internal sealed class EnvScanner(string text)
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
            Error(_line, $"expected KEY=VALUE, found {EnvFileParser.Describe(c)}");
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
            var found = _pos >= _text.Length ? "end of file" : AtEndOfLine() ? "end of line" : EnvFileParser.Describe(_text[_pos]);
            Error(_line, $"'{EnvFileParser.Shorten(key)}' must be followed by '=', found {found}");
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
            Error(keyLine, $"{EnvFileParser.Shorten(key)}: the {name} quote opened on this line is never closed");
            SkipToNextLine();
            return;
        }
        _line += _text.AsSpan(_pos, close - _pos).Count('\n');
        _pos = close + 1;
        SkipSpaces();
        if (!AtEndOfLine() && _text[_pos] != '#')
        {
            // What follows a secret's closing quote may be part of the secret: do not show it.
            var what = EnvFileParser.IsSecretLike(key) ? "text" : EnvFileParser.Describe(_text[_pos]);
            Error(_line, $"{EnvFileParser.Shorten(key)}: unexpected {what} after the closing quote");
            SkipToNextLine();
            return;
        }
        var kind = quote == '"' ? EnvQuote.DoubleQuoted : EnvQuote.SingleQuoted;
        var inner = _text.AsSpan(start + 1, close - start - 1);
        var literal = (kind == EnvQuote.SingleQuoted || !inner.ContainsAny('\\', '$')) && !inner.ContainsAny(EnvFileParser.RejectedInQuotes);
        Add(key, keyLine, start, close + 1 - start, kind, literal);
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
        Add(key, keyLine, start, valueEnd - start, EnvQuote.None, !_text.AsSpan(start, valueEnd - start).ContainsAny(EnvFileParser.NotPlainUnquoted));
        _pos = end;
        EndLine(key);
    }

    /// <summary>
    /// Skips DotNetEnv's optional command prefix (<c>export</c>, <c>set -x</c>, <c>set</c>, <c>SET</c>, then
    /// whitespace), so that a file written for a shell means the same here as there.
    /// </summary>
    private bool SkipCommandPrefix()
    {
        foreach (var prefix in EnvFileParser.CommandPrefixes)
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
            var where = key is null ? string.Empty : $"{EnvFileParser.Shorten(key)}: ";
            Error(_line, where + "a lone carriage return (U+000D) is not a line end; use \\n or \\r\\n");
        }
        else if (cr >= 0 && nl < 0)
        {
            Error(_line, "the file ends with a lone carriage return (U+000D); end it with \\n or \\r\\n");
        }
        SkipToNextLine();
    }

    /// <summary>
    /// Records the value whose raw text (quotes included) is <paramref name="length"/> characters at
    /// <paramref name="start"/>. A long <paramref name="literal"/> value is copied straight out of the text, once.
    /// </summary>
    private void Add(string key, int line, int start, int length, EnvQuote quote, bool literal)
    {
        var raw = _text.AsSpan(start, length);
        string value;
        if (literal && length >= EnvFileParser.FastPathThreshold)
        {
            value = quote == EnvQuote.None ? raw.ToString() : raw[1..^1].ToString();
        }
        else
        {
            var interpreted = InterpretWithDotNetEnv(key, raw.ToString(), line);
            if (interpreted is null)
            {
                return;
            }
            value = interpreted;
        }
        var interpolated = quote != EnvQuote.SingleQuoted && raw.Contains('$');
        Assignments.Add(new EnvAssignment(key, value, line, start, length, quote, interpolated));
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
            Error(line, $"{EnvFileParser.Shorten(key)}: value could not be parsed ({EnvFileParser.Reason(key, ex.Message)})");
            return null;
        }
    }

    private int FindClosingQuote(char quote, int from)
    {
        if (quote == '\'')
        {
            return _text.IndexOf('\'', from);
        }
        // Jump from one '"' or '\\' to the next (vectorised); a backslash escapes the character after it.
        for (var i = from; i < _text.Length;)
        {
            var next = _text.AsSpan(i).IndexOfAny('"', '\\');
            if (next < 0)
            {
                return -1;
            }
            i += next;
            if (_text[i] == '"')
            {
                return i;
            }
            i += 2;
        }
        return -1;
    }

    private void Error(int line, string message)
    {
        if (Errors.Count < EnvFileParser.MaxErrors)
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
}
