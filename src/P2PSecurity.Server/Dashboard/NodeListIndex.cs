using System.Buffers;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// The nodes page's lists, kept up to date with the policy: the view of a new revision is made from the latest
/// one (see <see cref="NodeListView.Next"/>), so after a one-key change the first page costs a merge and a scan of
/// the file for its label lines, not a sort of 100,000 keys and a parse of the whole file.
/// </summary>
internal sealed class NodeListIndex(string policyPath)
{
    // One build at a time: a page asked for while the worker builds the same revision waits for it instead of
    // building it a second time.
    private readonly Lock _buildGate = new();
    private volatile NodeListView? _latest;

    /// <summary>The view of <paramref name="policy"/>.</summary>
    public NodeListView For(SecurityPolicy policy)
    {
        if (_latest is { } latest && ReferenceEquals(latest.Policy, policy))
        {
            return latest;
        }
        lock (_buildGate)
        {
            latest = _latest;
            if (latest is not null && ReferenceEquals(latest.Policy, policy))
            {
                return latest;
            }
            var view = NodeListView.Next(latest, policy, ReadLabels(policyPath));
            // A page that read the policy just before a swap asks for the older one: answered, but not kept.
            if (latest is null || policy.Revision >= latest.Policy.Revision)
            {
                _latest = view;
            }
            return view;
        }
    }

    /// <summary>The labels in the file now; none when it cannot be read (labels are comments: a page without them is still right).</summary>
    internal static IReadOnlyDictionary<string, string> ReadLabels(string path)
    {
        byte[]? buffer = null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
            {
                return new Dictionary<string, string>();
            }
            buffer = ArrayPool<byte>.Shared.Rent((int)length);
            var read = 0;
            while (read < length && RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read) is var n and > 0)
            {
                read += n;
            }
            return EntryLabels.ReadUtf8(buffer.AsSpan(0, read));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, string>();
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
