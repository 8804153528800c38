using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// <c>GET /api/v1/events</c>: Server-Sent Events. <c>Last-Event-ID</c> (or <c>?after=</c>) resumes; events the
/// server no longer holds are reported as a <c>gap</c> event, and events dropped because this browser was too slow
/// as a <c>dropped</c> event, so a hole is always shown, never hidden.
/// </summary>
internal static class SecurityEventStream
{
    public static async Task StreamAsync(HttpContext context, SecurityEventFeed feed, long? after)
    {
        var lastId = after ?? (long.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        var ct = context.RequestAborted;
        using var follower = feed.Follow(); // follow first, then replay: nothing falls between the two
        var (backlog, missed) = feed.Since(lastId);
        await WriteAsync(context, "ready", null, "{}", ct);
        if (missed != 0)
        {
            await WriteAsync(context, "gap", null, $"{{\"missed\":{missed}}}", ct);
        }
        if (missed < 0)
        {
            lastId = 0; // the server restarted: its ids start again, and everything it holds is new to this client
        }
        foreach (var e in backlog)
        {
            await SendAsync(context, e, ct);
            lastId = e.Id;
        }
        try
        {
            while (await follower.Queue.Reader.WaitToReadAsync(ct))
            {
                while (follower.Queue.Reader.TryRead(out var e))
                {
                    if (e.Id <= lastId)
                    {
                        continue; // already sent from the backlog
                    }
                    if (follower.TakeDropped() is var dropped and > 0)
                    {
                        await WriteAsync(context, "dropped", null, $"{{\"dropped\":{dropped}}}", ct);
                    }
                    await SendAsync(context, e, ct);
                    lastId = e.Id;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the browser went away
        }
    }

    private static Task SendAsync(HttpContext context, SecurityEvent e, CancellationToken ct) =>
        WriteAsync(context, "security", e.Id, JsonSerializer.Serialize(e, DashboardApi.Json), ct);

    private static async Task WriteAsync(HttpContext context, string name, long? id, string data, CancellationToken ct)
    {
        var text = (id is { } i ? $"id: {i.ToString(CultureInfo.InvariantCulture)}\n" : "") + $"event: {name}\ndata: {data}\n\n";
        await context.Response.WriteAsync(text, ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
