using System.Text;
using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Editing;

/// <summary>
/// Adds and removes single entries of a list setting in the text of a policy file, changing those characters and
/// no others: comments, blank lines, order, quoting, unknown keys and line endings stay as they were.
/// </summary>
/// <remarks>
/// Only the last assignment of a key counts (DotNetEnv's rule), so that is the one edited. A new entry follows the
/// list's own separator (the characters between its last two entries: ",", ", " or a newline and indentation in a
/// multi-line quoted value). Entries are compared in canonical form. Pure text in, text out: the file handling
/// (lock, validation, atomic write) is <see cref="PolicyFileEditor"/>'s job.
/// </remarks>
public static class EnvListEditor
{
    /// <summary>Adds <paramref name="canonicalEntry"/> (already normalised) to <paramref name="list"/>.</summary>
    public static EnvEdit Add(string text, PolicyList list, string canonicalEntry, string? label = null)
    {
        var document = EnvFileParser.Parse(text);
        var assignment = document.Last(list.KeyName());
        var newline = NewlineOf(text);
        if (assignment is null)
        {
            var sb = new StringBuilder(text, text.Length + 200);
            if (text.Length > 0 && text[^1] != '\n')
            {
                sb.Append(newline);
            }
            if (label is not null)
            {
                sb.Append(EntryLabels.Format(canonicalEntry, label)).Append(newline);
            }
            sb.Append(list.KeyName()).Append('=').Append(canonicalEntry).Append(newline);
            return new EnvEdit(sb.ToString(), EditOutcome.Added, list, canonicalEntry);
        }

        var span = ListValueSpan.Read(text, assignment);
        if (span.Tokens.Any(t => ListEntry.CanonicalOrNull(list, t.Text) == canonicalEntry))
        {
            return label is null ? new EnvEdit(text, EditOutcome.AlreadyPresent, list, canonicalEntry) : SetLabel(text, list, canonicalEntry, label, assignment);
        }
        var (at, insert) = Insertion(text, span, canonicalEntry, newline);
        var edited = text.Insert(at, insert);
        if (label is not null)
        {
            edited = InsertLabelAbove(edited, assignment, EntryLabels.Format(canonicalEntry, label), newline);
        }
        return new EnvEdit(edited, EditOutcome.Added, list, canonicalEntry);
    }

    /// <summary>
    /// Removes every occurrence of <paramref name="canonicalEntry"/> from <paramref name="list"/>, with one separator
    /// each, and its label when no list names the entry any more.
    /// </summary>
    public static EnvEdit Remove(string text, PolicyList list, string canonicalEntry)
    {
        var document = EnvFileParser.Parse(text);
        var assignment = document.Last(list.KeyName());
        if (assignment is null)
        {
            return new EnvEdit(text, EditOutcome.NotPresent, list, canonicalEntry);
        }
        var span = ListValueSpan.Read(text, assignment);
        var tokens = span.Tokens;
        var remove = tokens.Select(t => ListEntry.CanonicalOrNull(list, t.Text) == canonicalEntry).ToArray();
        if (!remove.Contains(true))
        {
            return new EnvEdit(text, EditOutcome.NotPresent, list, canonicalEntry);
        }
        var edited = new StringBuilder(text);
        var firstKept = Array.IndexOf(remove, false);
        if (firstKept < 0)
        {
            // Every entry goes: the value becomes empty (KEY= or KEY="").
            edited.Remove(span.InnerStart, span.InnerEnd - span.InnerStart);
        }
        else
        {
            // Back to front so earlier offsets stay valid. An entry after a kept one takes the separator before it;
            // a leading entry takes the separator after it, up to the next entry.
            for (var i = tokens.Count - 1; i >= 0; i--)
            {
                if (!remove[i])
                {
                    continue;
                }
                var (from, to) = i > firstKept ? (tokens[i - 1].End, tokens[i].End) : (tokens[i].Start, tokens[i + 1].Start);
                edited.Remove(from, to - from);
            }
        }
        var result = edited.ToString();
        if (!StillListed(result, canonicalEntry))
        {
            result = RemoveLabels(result, canonicalEntry);
        }
        return new EnvEdit(result, EditOutcome.Removed, list, canonicalEntry);
    }

    private static (int At, string Insert) Insertion(string text, ListValueSpan span, string entry, string newline)
    {
        var tokens = span.Tokens;
        if (tokens.Count == 0)
        {
            var inner = text[span.InnerStart..span.InnerEnd];
            var nl = inner.IndexOf('\n');
            if (nl >= 0)
            {
                // An empty multi-line value ("\n"): the entry goes on the line after the opening quote.
                return (span.InnerStart + nl + 1, entry + newline);
            }
            // An unquoted empty value may be followed directly by an inline comment, which needs a space before '#'.
            var suffix = !span.IsQuoted && span.InnerStart < text.Length && text[span.InnerStart] == '#' ? " " : string.Empty;
            return (span.InnerStart + inner.Length, entry + suffix);
        }
        var last = tokens[^1];
        string separator;
        if (tokens.Count >= 2)
        {
            separator = text[tokens[^2].End..last.Start];
        }
        else if (text.AsSpan(span.InnerStart, span.InnerEnd - span.InnerStart).Contains('\n'))
        {
            separator = newline + Indentation(text, last.Start);
        }
        else
        {
            separator = ",";
        }
        return (last.End, separator + entry);
    }

    private static EnvEdit SetLabel(string text, PolicyList list, string entry, string label, EnvAssignment assignment)
    {
        var formatted = EntryLabels.Format(entry, label);
        var existing = EntryLabels.Find(text).Where(l => l.Entry == entry).ToList();
        if (existing.Count > 0 && existing[^1].Label == label)
        {
            return new EnvEdit(text, EditOutcome.AlreadyPresent, list, entry);
        }
        if (existing.Count > 0)
        {
            var line = existing[^1];
            var ending = text.AsSpan(line.Start, line.Length).EndsWith("\r\n") ? "\r\n" : text.AsSpan(line.Start, line.Length).EndsWith("\n") ? "\n" : string.Empty;
            var replaced = text.Remove(line.Start, line.Length).Insert(line.Start, formatted + ending);
            return new EnvEdit(replaced, EditOutcome.LabelUpdated, list, entry);
        }
        return new EnvEdit(InsertLabelAbove(text, assignment, formatted, NewlineOf(text)), EditOutcome.LabelUpdated, list, entry);
    }

    /// <summary>Inserts a comment line directly above the line on which <paramref name="assignment"/> starts.</summary>
    private static string InsertLabelAbove(string text, EnvAssignment assignment, string line, string newline)
    {
        var lineStart = assignment.ValueStart == 0 ? 0 : text.LastIndexOf('\n', assignment.ValueStart - 1) + 1;
        if (lineStart == 0 && text.StartsWith('\uFEFF'))
        {
            lineStart = 1; // a byte-order mark stays the file's first character
        }
        return text.Insert(lineStart, line + newline);
    }

    private static bool StillListed(string text, string entry)
    {
        var document = EnvFileParser.Parse(text);
        foreach (var list in PolicyLists.All)
        {
            if (document.Last(list.KeyName()) is { } a && ListValueSpan.Read(text, a).Tokens.Any(t => ListEntry.CanonicalOrNull(list, t.Text) == entry))
            {
                return true;
            }
        }
        return false;
    }

    private static string RemoveLabels(string text, string entry)
    {
        var lines = EntryLabels.Find(text).Where(l => l.Entry == entry).ToList();
        var sb = new StringBuilder(text);
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            sb.Remove(lines[i].Start, lines[i].Length);
        }
        return sb.ToString();
    }

    /// <summary>The whitespace between the start of the line holding <paramref name="offset"/> and the offset.</summary>
    private static string Indentation(string text, int offset)
    {
        var lineStart = text.LastIndexOf('\n', offset - 1) + 1;
        var i = lineStart;
        while (i < offset && text[i] is ' ' or '\t')
        {
            i++;
        }
        return text[lineStart..i];
    }

    /// <summary>CRLF when the file already uses it, LF otherwise.</summary>
    internal static string NewlineOf(string text) => text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
}
