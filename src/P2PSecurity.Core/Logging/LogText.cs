using System.Text;

namespace P2PSecurity.Core.Logging;

/// <summary>Makes text that a peer or a file supplied safe to put in one log line.</summary>
public static class LogText
{
    /// <summary>Longest peer-supplied text written to the log; the rest is cut with a marker.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Escapes control characters (newlines included) as <c>\n</c>, <c>\r</c>, <c>\t</c> or <c>\uNNNN</c>, and
    /// backslashes as <c>\\</c>, so a value can never start a new, forged log line. Cuts very long text.
    /// </summary>
    public static string Escape(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }
        var needs = value.Length > MaxLength;
        foreach (var c in value)
        {
            if (c == '\\' || MustEscape(c))
            {
                needs = true;
                break;
            }
        }
        if (!needs)
        {
            return value;
        }
        var sb = new StringBuilder(Math.Min(value.Length, MaxLength) + 16);
        var i = 0;
        for (; i < value.Length && sb.Length < MaxLength; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (MustEscape(c))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        if (i < value.Length)
        {
            // Cut: by length, or because escapes made a short value long. Either way, say so.
            sb.Append("...(").Append(value.Length).Append(" chars)");
        }
        return sb.ToString();
    }

    /// <summary>
    /// C0 and C1 controls (NEL U+0085 is a line break to some viewers, CSI U+009B starts a terminal escape), Unicode
    /// line and paragraph separators, bidirectional overrides and isolates (they can make a line read as another),
    /// and surrogates (a lone one is not text).
    /// </summary>
    private static bool MustEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') || char.IsSurrogate(c);
}
