using System.Text;
using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Sets or removes a single-value setting in a policy file's text, changing those characters and no others (the
/// list editor's rule for lists). Only the last assignment counts, so that is the one edited; earlier ones are
/// removed so that the file says one thing. Pure text in, text out.
/// </summary>
public static class EnvValueEditor
{
    /// <summary>
    /// <paramref name="key"/>=<paramref name="value"/>; <paramref name="value"/> must be written bare (see
    /// <see cref="IsBare"/>): the caller validates it.
    /// </summary>
    public static string Set(string text, string key, string value)
    {
        if (!IsBare(value))
        {
            throw new ArgumentException($"a value for {key} must be printable ASCII without spaces, quotes, '#', '$' or '\\'", nameof(value));
        }
        return SetRaw(text, key, value);
    }

    /// <summary><paramref name="key"/> set to <paramref name="raw"/>, a value as written in a file (bare, or quoted with its quotes).</summary>
    public static string SetRaw(string text, string key, string raw)
    {
        var value = raw;
        var document = EnvFileParser.Parse(text);
        var last = document.Last(key);
        if (last is null)
        {
            var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var sb = new StringBuilder(text);
            if (text.Length > 0 && text[^1] != '\n')
            {
                sb.Append(newline);
            }
            return sb.Append(key).Append('=').Append(value).Append(newline).ToString();
        }
        var edited = string.Concat(text.AsSpan(0, last.ValueStart), value, text.AsSpan(last.ValueStart + last.ValueLength));
        return RemoveAll(edited, key, keepLast: true);
    }

    /// <summary>Removes every assignment of <paramref name="key"/> (its whole lines).</summary>
    public static string Remove(string text, string key) => RemoveAll(text, key, keepLast: false);

    /// <summary>True for a value that reads back the same unquoted.</summary>
    public static bool IsBare(string value) =>
        value.Length > 0 && value.All(c => c is > ' ' and < '\x7f' and not ('"' or '\'' or '#' or '$' or '\\' or '`'));

    private static string RemoveAll(string text, string key, bool keepLast)
    {
        var document = EnvFileParser.Parse(text);
        var all = document.Assignments.Where(a => string.Equals(a.Key, key, StringComparison.Ordinal)).ToList();
        if (keepLast && all.Count > 0)
        {
            all.RemoveAt(all.Count - 1);
        }
        foreach (var a in all.OrderByDescending(a => a.ValueStart))
        {
            var start = a.ValueStart == 0 ? 0 : text.LastIndexOf('\n', a.ValueStart - 1) + 1;
            var end = text.IndexOf('\n', a.ValueStart + a.ValueLength);
            end = end < 0 ? text.Length : end + 1;
            text = string.Concat(text.AsSpan(0, start), text.AsSpan(end));
        }
        return text;
    }
}
