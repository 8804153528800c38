using System.Globalization;
using System.Threading.Channels;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.WatchConfig;

/// <summary>
/// Watches the folder of the policy file (editors replace a file by renaming a new one over it, which a watch on
/// the file itself would miss), polls at the interval as a fallback, and on each change of content validates the
/// file and asks the running server to reload. A missing file, a broken file or a stopped server is reported and
/// watching goes on; Ctrl+C ends it with exit code 0.
/// </summary>
internal sealed class ConfigWatcher(ToolContext context, TimeSpan interval, TimeProvider time)
{
    /// <summary>Quiet time after a file event before reading: an editor's save is often several writes.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private readonly Channel<bool> _events = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var path = context.EnvFile;
        using var watcher = TryWatch(path);
        var last = FileSnapshot.Read(path);
        Emit("watching", $"watching {path} ({(watcher is null ? "polling only" : "file events")}, polling every " +
                         string.Create(CultureInfo.InvariantCulture, $"{interval.TotalSeconds:0.0##} s); server socket {context.SocketPath}"));
        Describe(last);
        try
        {
            while (true)
            {
                var signalled = await WaitAsync(cancellationToken);
                var current = signalled ? FileSnapshot.Read(path) : FileSnapshot.Stat(path);
                if (!signalled && current.SameMetadataAs(last))
                {
                    continue;
                }
                if (!signalled)
                {
                    current = FileSnapshot.Read(path);
                }
                if (current.SameContentAs(last))
                {
                    last = current;
                    continue;
                }
                last = current;
                await OnChangedAsync(current, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Emit("stopped", "stopped");
            return ExitCodes.Success;
        }
    }

    /// <summary>Waits for a file event (then lets the writer finish) or the poll interval; true for an event.</summary>
    private async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(interval);
        try
        {
            await _events.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        var settleUntil = time.GetTimestamp() + (long)(Settle.TotalSeconds * time.TimestampFrequency * 10);
        // Keep waiting while events keep coming, up to ten quiet periods, so one save gives one reload.
        while (time.GetTimestamp() < settleUntil)
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            quiet.CancelAfter(Settle);
            try
            {
                await _events.Reader.ReadAsync(quiet.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
        return true;
    }

    private async Task OnChangedAsync(FileSnapshot file, CancellationToken cancellationToken)
    {
        var loaded = Describe(file);
        if (loaded?.Policy is null)
        {
            return;
        }
        var result = await context.Client().SendAsync(ControlRequest.Of(ControlProtocol.Requests.Reload), cancellationToken);
        switch (result.Status)
        {
            case ControlCallStatus.Answered when result.Response!.Ok:
                var reload = result.Response.Reload!;
                Emit(reload.Succeeded ? "reloaded" : "reload_refused", string.Join(Environment.NewLine, ReloadText.Describe(reload).Select((l, i) => i == 0 ? "server " + l : l)), reload: reload);
                break;
            case ControlCallStatus.Answered:
                Emit("server_error", $"server answered with an error: {result.Response!.Error?.Code}: {result.Response.Error?.Message}");
                break;
            default:
                Emit("server_unreachable", $"server not reachable ({result.Problem}); it reads the file when it starts. Still watching");
                break;
        }
    }

    /// <summary>Reports the file's state; returns the validation for a file that could be read.</summary>
    private PolicyLoadResult? Describe(FileSnapshot file)
    {
        if (!file.Exists)
        {
            Emit("missing", "file missing; the server keeps its policy in force. Waiting for the file");
            return null;
        }
        if (file.Bytes is null)
        {
            Emit("unreadable", $"cannot read the file: {file.Error}");
            return null;
        }
        var loaded = PolicyLoader.Load(file.Bytes, context.EnvFile);
        var diagnostics = loaded.Diagnostics.Select(DiagnosticInfo.From).ToList();
        var details = string.Concat(diagnostics.Select(d => $"{Environment.NewLine}  {d.Severity}: {d.Text}"));
        if (loaded.Policy is { } policy)
        {
            Emit("valid", $"file valid: {policy.ModeDescription}{details}", diagnostics);
        }
        else
        {
            Emit("invalid", $"file has errors; not sent to the server, which keeps its policy:{details}", diagnostics);
        }
        return loaded;
    }

    private FileSystemWatcher? TryWatch(string path)
    {
        try
        {
            var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, _) => _events.Writer.TryWrite(true);
            watcher.Created += (_, _) => _events.Writer.TryWrite(true);
            watcher.Deleted += (_, _) => _events.Writer.TryWrite(true);
            watcher.Renamed += (_, _) => _events.Writer.TryWrite(true);
            // Lost events (a full inotify queue) or a removed folder: polling carries on alone.
            watcher.Error += (_, _) => _events.Writer.TryWrite(true);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or PlatformNotSupportedException)
        {
            Emit("note", $"file events unavailable ({ex.Message}); polling only");
            return null;
        }
    }

    private void Emit(string kind, string message, List<DiagnosticInfo>? diagnostics = null, ReloadInfo? reload = null)
    {
        var now = time.GetLocalNow();
        if (context.Json)
        {
            context.WriteJson(new WatchEvent { At = now, Event = kind, File = context.EnvFile, Message = message, Diagnostics = diagnostics, Reload = reload }, j => j.WatchEvent);
            return;
        }
        var stamp = now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
        var writer = kind is "invalid" or "reload_refused" or "server_error" or "unreadable" ? context.Err : context.Out;
        writer.WriteLine($"{stamp} {message.Replace(Environment.NewLine, Environment.NewLine + new string(' ', stamp.Length + 1), StringComparison.Ordinal)}");
    }
}
