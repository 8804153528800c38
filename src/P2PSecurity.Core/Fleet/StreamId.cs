using System.Globalization;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// A Redis Stream entry id, <c>MS-SEQ</c>: the revision of a fleet decision. Ordered as Redis orders them; the
/// millisecond part is the publisher's wall clock when it chose the id.
/// </summary>
public readonly record struct StreamId(long Ms, long Seq) : IComparable<StreamId>
{
    /// <summary>Before every entry: a node that has applied nothing.</summary>
    public static StreamId Zero { get; } = new(0, 0);

    public bool IsZero => Ms == 0 && Seq == 0;

    public int CompareTo(StreamId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;

    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;

    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;

    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    /// <summary>The next id a publisher takes after <paramref name="top"/> at wall-clock <paramref name="nowMs"/>, as Redis's own <c>*</c> does.</summary>
    public static StreamId Next(StreamId top, long nowMs) => nowMs > top.Ms ? new StreamId(nowMs, 0) : new StreamId(top.Ms, top.Seq + 1);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ms}-{Seq}");

    public static bool TryParse(string? text, out StreamId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == text.Length - 1)
        {
            return false;
        }
        if (!long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ||
            !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }
        id = new StreamId(ms, seq);
        return true;
    }

    public static StreamId Parse(string? text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{Logging.LogText.Escape(text ?? "")}' is not a stream id (MS-SEQ)");
}
