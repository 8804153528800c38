using System.Diagnostics.CodeAnalysis;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Labels for list entries, kept in the policy file as comment lines of the form
/// <c># label &lt;entry&gt;: &lt;text&gt;</c>, placed directly above the list's assignment.
/// </summary>
/// <remarks>
/// A comment is the only place a note can live in a .env file without changing what DotNetEnv reads: a note
/// inside a quoted list would become part of the value. The entry is written in canonical form, so a label finds
/// its entry however the operator typed it. A label line whose entry is in no list is harmless and ignored.
/// </remarks>
public static class EntryLabels
{
    /// <summary>Longest label accepted.</summary>
    public const int MaxLength = 200;

    private const string Marker = "label";

    /// <summary>Checks a label an operator typed: one line of printable text.</summary>
    public static bool TryValidate(string label, [NotNullWhen(true)] out string? cleaned, [NotNullWhen(false)] out string? error)
    {
        cleaned = label.Trim();
        if (cleaned.Length == 0)
        {
            error = "a label is one line of text, got nothing";
            cleaned = null;
            return false;
        }
        if (cleaned.Length > MaxLength)
        {
            error = $"a label is at most {MaxLength} characters, this one has {cleaned.Length}";
            cleaned = null;
            return false;
        }
        foreach (var c in cleaned)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                error = $"a label is one line of printable text, found {EnvFile.EnvFileParser.Describe(c)}";
                cleaned = null;
                return false;
            }
        }
        error = null;
        return true;
    }

    /// <summary>The comment line (without line ending) that labels <paramref name="canonicalEntry"/>.</summary>
    public static string Format(string canonicalEntry, string label) => $"# {Marker} {canonicalEntry}: {label}";

    /// <summary>Every label in the text, by canonical entry; the last line for an entry wins.</summary>
    public static IReadOnlyDictionary<string, string> Read(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Find(text))
        {
            labels[line.Entry] = line.Label;
        }
        return labels;
    }

    /// <summary>
    /// As <see cref="Read(string)"/>, from the file's UTF-8 bytes without decoding all of them: a label line holds the
    /// word <c>label</c>, so only the lines where it occurs are decoded and parsed (a file of 100,000 keys has a few
    /// thousand such lines at most, and finding them is a vectorised search).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadUtf8(ReadOnlySpan<byte> utf8)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (utf8 is [0xEF, 0xBB, 0xBF, ..])
        {
            utf8 = utf8[3..]; // File.ReadAllText drops a byte order mark: so does this, so the first line parses alike
        }
        var marker = "label"u8;
        var from = 0;
        while (from < utf8.Length)
        {
            var hit = utf8[from..].IndexOf(marker);
            if (hit < 0)
            {
                break;
            }
            hit += from;
            // '\n' never occurs inside a UTF-8 sequence, so lines split on bytes as they do on characters.
            var start = utf8[..hit].LastIndexOf((byte)'\n') + 1;
            var nl = utf8[hit..].IndexOf((byte)'\n');
            var end = nl < 0 ? utf8.Length : hit + nl + 1;
            if (TryParseLine(System.Text.Encoding.UTF8.GetString(utf8[start..end]), out var entry, out var label))
            {
                labels[entry] = label;
            }
            from = end; // the next line: a line with the word twice is parsed once
        }
        return labels;
    }

    /// <summary>Every label line: its span (line ending included), canonical entry and text.</summary>
    internal static IEnumerable<LabelLine> Find(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            if (TryParseLine(text.AsSpan(start, end - start), out var entry, out var label))
            {
                yield return new LabelLine(start, end - start, entry, label);
            }
            start = end;
        }
    }

    private static bool TryParseLine(ReadOnlySpan<char> line, [NotNullWhen(true)] out string? entry, [NotNullWhen(true)] out string? label)
    {
        entry = null;
        label = null;
        var s = line.TrimEnd("\r\n").Trim();
        if (s.Length == 0 || s[0] != '#')
        {
            return false;
        }
        s = s[1..].TrimStart();
        if (!s.StartsWith(Marker, StringComparison.Ordinal) || s.Length == Marker.Length || !char.IsWhiteSpace(s[Marker.Length]))
        {
            return false;
        }
        s = s[Marker.Length..].TrimStart();
        // The entry ends at the first ": " (an IPv6 address or a ':'-separated key contains ':' but never ": ").
        var colon = s.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }
        var raw = s[..colon].ToString();
        var canonical = ListEntry.CanonicalOrNull(PolicyList.AllowedNodeKeys, raw) ?? ListEntry.CanonicalOrNull(PolicyList.BlockedIpAddresses, raw);
        if (canonical is null)
        {
            return false;
        }
        entry = canonical;
        label = s[(colon + 2)..].Trim().ToString();
        return true;
    }
}
