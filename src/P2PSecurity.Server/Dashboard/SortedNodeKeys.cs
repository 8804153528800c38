using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// One node-key list in the order the nodes page shows it (ordinal, as the keys print), held as one array of
/// lower-case hex digits, 64 to a key. Immutable: a new policy gets a new list made from the last one by merging
/// in what was added and leaving out what was removed, so a one-key change costs a copy of the array, not a sort.
/// </summary>
/// <remarks>
/// One array rather than 100,000 strings: a search by part of a key is one vectorised scan of it instead of a call
/// per key, and a page makes strings only for the keys it shows.
/// </remarks>
internal sealed class SortedNodeKeys
{
    /// <summary>Hex digits per key.</summary>
    public const int Width = 64;

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    private readonly byte[] _hex;

    private SortedNodeKeys(byte[] hex)
    {
        _hex = hex;
        Count = hex.Length / Width;
    }

    public static SortedNodeKeys Empty { get; } = new([]);

    public int Count { get; }

    /// <summary>The key at <paramref name="index"/>, as its 64 hex digits.</summary>
    public string this[int index] => Encoding.ASCII.GetString(_hex, checked(index * Width), Width);

    /// <summary>Every key of <paramref name="keys"/>, sorted.</summary>
    public static SortedNodeKeys Of(IReadOnlyCollection<NodeKey> keys) => Empty.With(keys, []);

    /// <summary>
    /// This list with <paramref name="added"/> merged in and <paramref name="removed"/> left out. A key added that
    /// is already here, or removed that is not, changes nothing.
    /// </summary>
    public SortedNodeKeys With(IReadOnlyCollection<NodeKey> added, IReadOnlyCollection<NodeKey> removed)
    {
        if (added.Count == 0 && removed.Count == 0)
        {
            return this;
        }
        var adds = SortedHex(added);
        var inserts = new List<(int At, int Added)>(added.Count);
        for (var i = 0; i < added.Count; i++)
        {
            if (IndexOf(Chunk(adds, i)) is var at and < 0)
            {
                inserts.Add((~at, i));
            }
        }
        var removes = SortedHex(removed);
        var gone = new List<int>(removed.Count);
        for (var i = 0; i < removed.Count; i++)
        {
            if (IndexOf(Chunk(removes, i)) is var at and >= 0)
            {
                gone.Add(at);
            }
        }
        if (inserts.Count == 0 && gone.Count == 0)
        {
            return this;
        }
        // Both lists are in key order, so their positions here ascend: one pass copies the runs between them.
        var result = new byte[(Count + inserts.Count - gone.Count) * Width];
        int src = 0, dst = 0, ins = 0, rem = 0;
        while (true)
        {
            var next = Math.Min(ins < inserts.Count ? inserts[ins].At : Count, rem < gone.Count ? gone[rem] : Count);
            _hex.AsSpan(src * Width, (next - src) * Width).CopyTo(result.AsSpan(dst * Width));
            dst += next - src;
            src = next;
            if (ins < inserts.Count && inserts[ins].At == src)
            {
                Chunk(adds, inserts[ins].Added).CopyTo(result.AsSpan(dst * Width));
                dst++;
                ins++;
            }
            else if (rem < gone.Count && gone[rem] == src)
            {
                src++;
                rem++;
            }
            else
            {
                break;
            }
        }
        return new SortedNodeKeys(result);
    }

    /// <summary>Where <paramref name="key"/> (64 hex digits) is, or the bitwise complement of where it would go.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = Chunk(_hex, mid).SequenceCompareTo(key);
            if (c == 0)
            {
                return mid;
            }
            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return ~lo;
    }

    /// <summary>Where <paramref name="key"/> (as a page shows it) is, or -1.</summary>
    public int IndexOf(string key)
    {
        if (key.Length != Width || !Ascii.IsValid(key))
        {
            return -1;
        }
        Span<byte> bytes = stackalloc byte[Width];
        Encoding.ASCII.GetBytes(key, bytes);
        return Math.Max(-1, IndexOf(bytes));
    }

    /// <summary>
    /// The positions, ascending, of every key that contains <paramref name="lowerCaseQuery"/>; none when the query
    /// cannot be part of a key (a character that is no lower-case hex digit, or longer than a key).
    /// </summary>
    public List<int> Containing(string lowerCaseQuery)
    {
        var hits = new List<int>();
        if (lowerCaseQuery.Length is 0 or > Width || lowerCaseQuery.AsSpan().ContainsAnyExcept(LowerHex))
        {
            return hits;
        }
        Span<byte> query = stackalloc byte[lowerCaseQuery.Length];
        Encoding.ASCII.GetBytes(lowerCaseQuery, query);
        var all = _hex.AsSpan();
        var from = 0;
        while (from < all.Length)
        {
            var at = all[from..].IndexOf(query);
            if (at < 0)
            {
                break;
            }
            at += from;
            var key = at / Width;
            // A match that runs over into the next key is no match; a later start in the same key would run over too.
            if ((at + query.Length - 1) / Width == key)
            {
                hits.Add(key);
            }
            from = (key + 1) * Width;
        }
        return hits;
    }

    private static ReadOnlySpan<byte> Chunk(byte[] hex, int index) => hex.AsSpan(index * Width, Width);

    /// <summary>The keys as hex, 64 digits each, in order: sorted as four big-endian words, which is the order of their hex.</summary>
    private static byte[] SortedHex(IReadOnlyCollection<NodeKey> keys)
    {
        var words = new KeyWords[keys.Count];
        Span<byte> bytes = stackalloc byte[32];
        var n = 0;
        foreach (var key in keys)
        {
            key.WriteBytes(bytes);
            words[n++] = new KeyWords(
                BinaryPrimitives.ReadUInt64BigEndian(bytes),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
        }
        Array.Sort(words);
        var hex = new byte[words.Length * Width];
        for (var i = 0; i < words.Length; i++)
        {
            var w = words[i];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, w.A);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], w.B);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], w.C);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], w.D);
            Convert.TryToHexStringLower(bytes, hex.AsSpan(i * Width, Width), out _);
        }
        return hex;
    }

    private readonly record struct KeyWords(ulong A, ulong B, ulong C, ulong D) : IComparable<KeyWords>
    {
        public int CompareTo(KeyWords other)
        {
            var c = A.CompareTo(other.A);
            if (c == 0)
            {
                c = B.CompareTo(other.B);
            }
            if (c == 0)
            {
                c = C.CompareTo(other.C);
            }
            return c == 0 ? D.CompareTo(other.D) : c;
        }
    }
}
