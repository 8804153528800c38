using System.Net.Http.Headers;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>
/// N clients following a dashboard's <c>GET /api/v1/events</c> (Server-Sent Events) as browsers do: one long
/// response each, read as fast as it comes. Counts the events and the <c>dropped</c> notices they receive.
/// </summary>
internal sealed class EventFollowers : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly HttpClient _http;
    private long _events;
    private long _dropped;
    private int _open;

    private EventFollowers(HttpClient http) => _http = http;

    public long Events => Interlocked.Read(ref _events);

    public long DroppedNotices => Interlocked.Read(ref _dropped);

    /// <summary>Followers whose stream is open now.</summary>
    public int Open => Volatile.Read(ref _open);

    public static async Task<EventFollowers> StartAsync(Uri dashboard, string token, int count, CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = dashboard, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var followers = new EventFollowers(http);
        var ready = new List<TaskCompletionSource>();
        for (var i = 0; i < count; i++)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ready.Add(started);
            followers._readers.Add(followers.FollowAsync(started));
        }
        await Task.WhenAll(ready.Select(r => r.Task)).WaitAsync(TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return followers;
    }

    private async Task FollowAsync(TaskCompletionSource started)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("/api/v1/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false));
            Interlocked.Increment(ref _open);
            try
            {
                while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
                {
                    if (line == "event: ready")
                    {
                        started.TrySetResult();
                    }
                    else if (line == "event: security")
                    {
                        Interlocked.Increment(ref _events);
                    }
                    else if (line == "event: dropped")
                    {
                        Interlocked.Increment(ref _dropped);
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped at the end of the figure.
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            started.TrySetException(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_readers).ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
    }
}
