namespace P2PSecurity.Core.EnvFile;

/// <summary>
/// The one way a list value (ALLOWED_NODE_KEYS, BLOCKED_NODE_KEYS, BLOCKED_IP_ADDRESSES, BOOTSTRAP_ADDRESSES, ...)
/// is split into entries: on commas and any whitespace, newlines included. The loader, the editor, the tools and the
/// control channel all split through here, so they never disagree about what an entry is.
/// </summary>
public static class ListTokenizer
{
    /// <summary>The separators: commas and any whitespace, newlines included.</summary>
    public static bool IsSeparator(char c) => c == ',' || char.IsWhiteSpace(c);

    /// <summary>The entries of <paramref name="value"/> as positions in it, without allocating.</summary>
    public static Enumerator Tokens(ReadOnlySpan<char> value) => new(value);

    /// <summary>The entries of <paramref name="value"/> as strings, in order, duplicates kept.</summary>
    public static List<string> Split(string value)
    {
        var result = new List<string>();
        foreach (var token in Tokens(value))
        {
            result.Add(value.Substring(token.Start, token.Length));
        }
        return result;
    }

    /// <summary>Walks the entries of a list value; <see cref="Current"/> is the entry just found.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<char> _value;
        private int _position;
        private int _line;

        internal Enumerator(ReadOnlySpan<char> value)
        {
            _value = value;
        }

        /// <summary>The entry found by the last <see cref="MoveNext"/>.</summary>
        public ListTokenSpan Current { get; private set; }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            var value = _value;
            var i = _position;
            while (i < value.Length && IsSeparator(value[i]))
            {
                if (value[i] == '\n')
                {
                    _line++;
                }
                i++;
            }
            if (i >= value.Length)
            {
                _position = i;
                return false;
            }
            var start = i;
            while (i < value.Length && !IsSeparator(value[i]))
            {
                i++;
            }
            _position = i;
            Current = new ListTokenSpan(start, i - start, _line);
            return true;
        }
    }
}

/// <summary>One entry of a list value: where it starts, how long it is, and on which line of the value (0: the first).</summary>
public readonly record struct ListTokenSpan(int Start, int Length, int Line);
