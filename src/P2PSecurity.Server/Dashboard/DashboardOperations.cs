using System.Runtime.CompilerServices;
using System.Text;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;
using P2PSecurity.Server.Status;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// What the dashboard can do, on the same code as the tools: list edits through <see cref="PolicyFileEditor"/>
/// (validated, locked, atomic), then the reload and every read through <see cref="ControlRequestHandler"/>, the
/// control channel's own handler. A new control request (lockdown, bans) is reachable from here by a route.
/// </summary>
internal sealed class DashboardOperations
{
    // Lazy: the sort started when a policy comes into force and a page asked for at the same moment share one run.
    private static readonly ConditionalWeakTable<SecurityPolicy, Lazy<Sorted>> SortedByPolicy = [];
    private readonly Lock _ignoredGate = new();
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);
    private readonly SecurityManager manager;
    private readonly ControlRequestHandler control;
    private readonly NodeServerStatus server;

    public DashboardOperations(SecurityManager manager, ControlRequestHandler control, NodeServerStatus server)
    {
        this.manager = manager;
        this.control = control;
        this.server = server;
        // Sorting 100,000 keys takes a few hundred ms on a busy machine: done on a worker as soon as a new policy is
        // in force, so the first nodes page after a change finds the lists ready instead of paying for them.
        manager.PolicyChanged += (_, _) => Task.Run(() => SortedOf(manager.Policy));
    }

    private Sorted SortedOf(SecurityPolicy policy) =>
        SortedByPolicy.GetValue(policy, p => new Lazy<Sorted>(() => new Sorted(p, manager.PolicyPath), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public SecurityManager Manager => manager;

    public ControlResponse Ask(ControlRequest request) => control.Handle(request);

    public StatusInfo Status() => control.Handle(ControlRequest.Of(ControlProtocol.Requests.Status)).Status!;

    /// <summary>Adds or removes an entry of a list in the file, then has the server reload it; or, for a preview, only says what it would do.</summary>
    public EditAnswer Edit(string action, PolicyList list, string input, string? label, bool add, bool preview)
    {
        if (preview)
        {
            return Preview(action, list, input, label, add);
        }
        var editor = new PolicyFileEditor(manager.PolicyPath, TimeSpan.FromSeconds(10));
        PolicyEditResult result;
        try
        {
            result = add ? editor.Add(list, input, label) : editor.Remove(list, input);
        }
        catch (PolicyEditException ex)
        {
            return EditAnswer.Failed(action, ControlProtocol.ErrorCodes.InvalidArgument, ex.Message, manager.Policy.Revision);
        }
        // Even a no-op reloads: the file may hold the entry while the server has not read it yet (as the tools do).
        var reload = control.Handle(new ControlRequest
        {
            Type = ControlProtocol.Requests.Reload,
            WrittenSha256 = result.WrittenSha256,
        }).Reload!;
        if (add && list == PolicyList.AllowedNodeKeys)
        {
            lock (_ignoredGate)
            {
                _ignored.Remove(result.Entry);
            }
        }
        return new EditAnswer
        {
            Ok = reload.Succeeded,
            Action = action,
            Outcome = result.Outcome.Code(),
            List = list.KeyName(),
            Entry = result.Entry,
            Warnings = [.. result.Warnings],
            Revision = reload.Revision,
            Reload = reload,
        };
    }

    private EditAnswer Preview(string action, PolicyList list, string input, string? label, bool add)
    {
        if (!ListEntry.TryNormalize(list, input, out var entry, out var error))
        {
            return EditAnswer.Failed(action, ControlProtocol.ErrorCodes.InvalidArgument, $"'{Core.Logging.LogText.Escape(input)}' is not valid for {list.KeyName()}: {error}", manager.Policy.Revision);
        }
        string text;
        try
        {
            text = File.Exists(manager.PolicyPath) ? Encoding.UTF8.GetString(File.ReadAllBytes(manager.PolicyPath)) : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return EditAnswer.Failed(action, ControlProtocol.ErrorCodes.InternalError, $"cannot read {manager.PolicyPath}: {ex.Message}", manager.Policy.Revision);
        }
        var edited = add ? EnvListEditor.Add(text, list, entry, label) : EnvListEditor.Remove(text, list, entry);
        var check = control.Handle(new ControlRequest { Type = ControlProtocol.Requests.CheckLive, Text = edited.Text }).CheckLive!;
        return new EditAnswer
        {
            Ok = check.Valid,
            Action = action,
            Outcome = "preview:" + edited.Outcome.Code(),
            List = list.KeyName(),
            Entry = entry,
            Revision = check.LiveRevision,
            Preview = check,
        };
    }

    /// <summary>Recently refused keys, without those the operator chose to ignore.</summary>
    public PendingInfo Pending()
    {
        var pending = control.Handle(ControlRequest.Of(ControlProtocol.Requests.Pending)).Pending!;
        lock (_ignoredGate)
        {
            pending.Nodes.RemoveAll(n => _ignored.Contains(n.NodeKey));
        }
        return pending;
    }

    public void Ignore(string key)
    {
        lock (_ignoredGate)
        {
            _ignored.Add(key);
        }
    }

    /// <summary>One page of a node list, filtered by <paramref name="query"/> (part of the key or of its label).</summary>
    public NodePage Nodes(PolicyList list, string? query, int page, int size)
    {
        var policy = manager.Policy;
        var sorted = SortedOf(policy);
        var keys = list == PolicyList.AllowedNodeKeys ? sorted.Allowed : sorted.Blocked;
        IEnumerable<string> matching = keys;
        if (!string.IsNullOrWhiteSpace(query))
        {
            // Keys are lower-case hex, so an ordinal search for the lower-cased query finds them (several times
            // faster than a case-blind one over 100,000 keys); labels are few, so they are searched once, not per key.
            var q = query.Trim();
            var lower = q.ToLowerInvariant();
            var hits = keys.Where(k => k.Contains(lower, StringComparison.Ordinal)).ToList();
            var labelled = sorted.Labels
                .Where(l => l.Value.Contains(q, StringComparison.OrdinalIgnoreCase) && !l.Key.Contains(lower, StringComparison.Ordinal) &&
                            Array.BinarySearch(keys, l.Key, StringComparer.Ordinal) >= 0)
                .Select(l => l.Key).ToList();
            if (labelled.Count > 0)
            {
                hits.AddRange(labelled);
                hits.Sort(StringComparer.Ordinal);
            }
            matching = hits;
        }
        var filtered = matching as IReadOnlyList<string> ?? [.. matching];
        size = Math.Clamp(size, 1, 1000);
        var pages = Math.Max(1, (filtered.Count + size - 1) / size);
        page = Math.Clamp(page, 1, pages);
        var sessions = server.Sessions.Where(s => s.NodeKey is not null).ToLookup(s => s.NodeKey!.Value.ToString(), StringComparer.Ordinal);
        var items = filtered.Skip((page - 1) * size).Take(size).Select(k => new NodeRow
        {
            Key = k,
            Label = sorted.Labels.GetValueOrDefault(k),
            Connected = [.. sessions[k].Select(s => new ConnectedRow { Address = s.RemoteEndPoint?.ToString() ?? "", Since = s.Since, Outbound = s.Outbound })],
        }).ToList();
        return new NodePage { Revision = policy.Revision, Total = filtered.Count, Page = page, Size = size, Pages = pages, Items = items };
    }

    /// <summary>Welcomed sessions whose key is in no list (open mode), so a connected node can be blocked from the page.</summary>
    public IReadOnlyList<SessionInfo> Sessions => server.Sessions;

    public IReadOnlyList<string> BlockedAddresses() => [.. manager.Policy.BlockedIpEntries.Order(StringComparer.Ordinal)];

    /// <summary>The lists of one policy revision sorted once, with the labels of its file, so each page is a slice.</summary>
    private sealed class Sorted
    {
        public Sorted(SecurityPolicy policy, string path)
        {
            Allowed = [.. policy.AllowedNodeKeys.Select(k => k.ToString()).Order(StringComparer.Ordinal)];
            Blocked = [.. policy.BlockedNodeKeys.Select(k => k.ToString()).Order(StringComparer.Ordinal)];
            try
            {
                Labels = File.Exists(path) ? EntryLabels.Read(File.ReadAllText(path)) : new Dictionary<string, string>();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Labels = new Dictionary<string, string>(); // labels are comments: a page without them is still right
            }
        }

        public string[] Allowed { get; }

        public string[] Blocked { get; }

        public IReadOnlyDictionary<string, string> Labels { get; }
    }
}
