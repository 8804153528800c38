using P2PSecurity.Core.EnvFile;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// A parsed node-key list value (ALLOWED_NODE_KEYS, BLOCKED_NODE_KEYS), kept by the reload path for the next reload:
/// where each entry is, the key it names, and the <see cref="NodeKeySet"/>. A reload of a file in which a few keys of
/// 100,000 changed parses only the changed stretch of the value and patches the set (<see cref="Update"/>); a value
/// that did not change at all is reused whole.
/// </summary>
/// <remarks>Immutable once built; only valid values (no bad key) are kept.</remarks>
internal sealed class KeyListParse
{
    /// <summary>Past this many changed entries (of the list's length, divided), the set is rebuilt rather than patched.</summary>
    private const int PatchLimitDivisor = 4;

    private readonly int[] _starts;
    private readonly int[] _lengths;
    /// <summary>Each entry's key, in list order.</summary>
    private readonly NodeKey[] _entries;
    /// <summary>A key listed twice: removing one of its entries does not remove it from the set, so such a list is rebuilt.</summary>
    private readonly bool _hasDuplicates;

    private KeyListParse(string value, int[] starts, int[] lengths, NodeKey[] entries, NodeKeySet keys, bool hasDuplicates)
    {
        Value = value;
        _starts = starts;
        _lengths = lengths;
        _entries = entries;
        Keys = keys;
        _hasDuplicates = hasDuplicates;
    }

    /// <summary>The list value as the file gives it (after quoting rules).</summary>
    public string Value { get; }

    /// <summary>The keys, each once.</summary>
    public NodeKeySet Keys { get; }

    /// <summary>An entry that is not a node key: the entry, the error, and its line counted from the value's first line (0).</summary>
    public delegate void ErrorSink(string entry, string error, int lineInValue);

    /// <summary>Parses a whole value; null when any entry is bad (each one reported to <paramref name="error"/>).</summary>
    public static KeyListParse? Parse(string value, ErrorSink error)
    {
        var (starts, lengths, entries, ok) = ParseStretch(value, 0, value.Length, 0, error);
        return ok ? Build(value, starts, lengths, entries) : null;
    }

    /// <summary>
    /// Parses <paramref name="value"/> reusing what <paramref name="previous"/> parsed: the entries before the first
    /// changed character and after the last one are taken as they are, only the stretch between is parsed, and the
    /// previous set is patched with the keys that left and came (see <see cref="ListEdit"/>).
    /// </summary>
    public static KeyListParse? Update(KeyListParse previous, string value, ErrorSink error)
    {
        if (string.Equals(previous.Value, value, StringComparison.Ordinal))
        {
            return previous;
        }
        if (!ListEdit.TryFind(previous.Value, previous._starts, previous._lengths, value, out var edit))
        {
            return Parse(value, error);
        }
        var (midStarts, midLengths, midEntries, ok) = ParseStretch(value, edit.StretchStart, edit.StretchEnd, edit.FirstLine(value), error);
        if (!ok)
        {
            return null;
        }
        var (starts, lengths) = edit.Splice(previous._starts, previous._lengths, midStarts, midLengths);
        var entries = edit.SpliceItems(previous._entries, midEntries);
        var removed = previous._entries.AsSpan(edit.KeepBefore, edit.Replaced);
        if (previous._hasDuplicates || (removed.Length + midEntries.Length) * PatchLimitDivisor > Math.Max(previous._entries.Length, 1))
        {
            return Build(value, starts, lengths, entries);
        }
        // Each removed entry was the only one naming its key (no duplicates), so taking it out of the set is right;
        // a key added twice, or added while another entry still names it, makes this list one with duplicates.
        var keys = previous.Keys.With(removed, midEntries, out var duplicates);
        return new KeyListParse(value, starts, lengths, entries, keys, duplicates);
    }

    private static KeyListParse Build(string value, int[] starts, int[] lengths, NodeKey[] entries)
    {
        var keys = NodeKeySet.Build(entries, out var duplicates);
        return new KeyListParse(value, starts, lengths, entries, keys, duplicates);
    }

    private static (int[] Starts, int[] Lengths, NodeKey[] Entries, bool Ok) ParseStretch(string value, int from, int to, int firstLine, ErrorSink error)
    {
        var stretch = value.AsSpan(from, to - from);
        // Counted first, so that the arrays are allocated once at their size (no growth, no copy).
        var count = 0;
        foreach (var _ in ListTokenizer.Tokens(stretch))
        {
            count++;
        }
        var starts = new int[count];
        var lengths = new int[count];
        var entries = new NodeKey[count];
        var n = 0;
        var ok = true;
        foreach (var token in ListTokenizer.Tokens(stretch))
        {
            if (NodeKey.TryParse(stretch.Slice(token.Start, token.Length), out var key, out var message))
            {
                starts[n] = from + token.Start;
                lengths[n] = token.Length;
                entries[n] = key;
                n++;
            }
            else
            {
                error(value.Substring(from + token.Start, token.Length), message, firstLine + token.Line);
                ok = false;
            }
        }
        return (starts, lengths, entries, ok);
    }
}
