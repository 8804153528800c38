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
    private readonly Lock _ignoredGate = new();
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);
    private readonly SecurityManager manager;
    private readonly ControlRequestHandler control;
    private readonly NodeServerStatus server;
    private readonly NodeListIndex nodeLists;

    public DashboardOperations(SecurityManager manager, ControlRequestHandler control, NodeServerStatus server)
    {
        this.manager = manager;
        this.control = control;
        this.server = server;
        nodeLists = new NodeListIndex(manager.PolicyPath);
        // The lists of a new policy are brought up to date on a worker as soon as it is in force, so the first nodes
        // page after a change usually finds them ready (and otherwise waits for that one build).
        manager.PolicyChanged += (_, _) => Task.Run(() => nodeLists.For(manager.Policy));
    }

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
        var view = nodeLists.For(policy);
        var slice = view.Slice(list, query, page, size);
        var sessions = server.Sessions.Where(s => s.NodeKey is not null).ToLookup(s => s.NodeKey!.Value.ToString(), StringComparer.Ordinal);
        var items = slice.Keys.Select(k => new NodeRow
        {
            Key = k,
            Label = view.Labels.GetValueOrDefault(k),
            Connected = [.. sessions[k].Select(s => new ConnectedRow { Address = s.RemoteEndPoint?.ToString() ?? "", Since = s.Since, Outbound = s.Outbound })],
        }).ToList();
        return new NodePage { Revision = policy.Revision, Total = slice.Total, Page = slice.Page, Size = slice.Size, Pages = slice.Pages, Items = items };
    }

    /// <summary>Welcomed sessions whose key is in no list (open mode), so a connected node can be blocked from the page.</summary>
    public IReadOnlyList<SessionInfo> Sessions => server.Sessions;

    public IReadOnlyList<string> BlockedAddresses() => [.. manager.Policy.BlockedIpEntries.Order(StringComparer.Ordinal)];
}
