using System.Globalization;
using P2PSecurity.Core.Fleet;
using StackExchange.Redis;

namespace P2PSecurity.Server.Fleet;

/// <summary>
/// The fleet's hub in Redis: a stream (<c>p2psecurity:fleet:NAME:decisions</c>) and a snapshot hash
/// (<c>p2psecurity:fleet:NAME:snapshot</c>), through StackExchange.Redis. Two multiplexers: one for the blocking
/// <c>XREAD BLOCK</c>, which holds its connection for up to a second and would stall every other command queued
/// behind it on a shared multiplexer, and one for everything else. Both speak RESP2, whose reply shapes are the ones
/// parsed here.
/// </summary>
public sealed class RedisFleetHub : IFleetHub, IAsyncDisposable
{
    // Appends an entry at its own id, atomically with the check that no one else appended since the publisher read
    // the top (ARGV[1], empty for a retry of the same entry, which is then recognised by its signature).
    private const string AppendScript = """
        local top = '0-0'
        if redis.call('EXISTS', KEYS[1]) == 1 then
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          for i = 1, #info, 2 do if info[i] == 'last-generated-id' then top = info[i + 1] end end
        end
        local function parse(id) local d = string.find(id, '-', 1, true); return tonumber(string.sub(id, 1, d - 1)), tonumber(string.sub(id, d + 1)) end
        local tm, ts = parse(top)
        local im, is = parse(ARGV[2])
        if ARGV[1] ~= '' and ARGV[1] ~= top then return {'conflict', top} end
        if im < tm or (im == tm and is <= ts) then
          local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
          if #e == 1 then
            local f = e[1][2]
            for i = 1, #f, 2 do if f[i] == 's' and f[i + 1] == ARGV[6] then return {'exists', top} end end
          end
          return {'conflict', top}
        end
        redis.call('XADD', KEYS[1], ARGV[2], 'd', ARGV[3], 'p', ARGV[4], 'k', ARGV[5], 's', ARGV[6])
        return {'added', ARGV[2]}
        """;

    // Stores a snapshot only when it covers more than the stored one: a hub never goes back to an older state.
    private const string SnapshotScript = """
        local held = redis.call('HGET', KEYS[1], 'covers')
        if held then
          local d = string.find(held, '-', 1, true)
          local hm, hs = tonumber(string.sub(held, 1, d - 1)), tonumber(string.sub(held, d + 1))
          if tonumber(ARGV[5]) < hm or (tonumber(ARGV[5]) == hm and tonumber(ARGV[6]) <= hs) then return 0 end
        end
        redis.call('HSET', KEYS[1], 'covers', ARGV[1], 'body', ARGV[2], 'k', ARGV[3], 's', ARGV[4])
        return 1
        """;

    private readonly ConfigurationOptions _options;
    private readonly RedisKey _stream;
    private readonly RedisKey _snapshot;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private int _closed;
    private ConnectionMultiplexer? _commands;
    private ConnectionMultiplexer? _blocking;

    public RedisFleetHub(FleetSettings settings)
    {
        _options = new ConfigurationOptions
        {
            EndPoints = { { settings.Host, settings.Port } },
            DefaultDatabase = settings.Database,
            User = settings.User,
            Password = settings.Password.Length == 0 ? null : settings.Password,
            Protocol = RedisProtocol.Resp2,
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            SyncTimeout = 3000,
            AsyncTimeout = 3000,
            ConnectRetry = 1,
            // The follower's own backoff decides when to try again; the library's background reconnects would race it.
            ReconnectRetryPolicy = new LinearRetry(500),
            ClientName = "p2psecurity-fleet",
        };
        _stream = settings.StreamKey;
        _snapshot = settings.SnapshotKey;
        Display = settings.Display;
    }

    public string Display { get; }

    public async Task<IReadOnlyList<FleetRawEntry>> ReadAsync(StreamId after, int count, TimeSpan? block, CancellationToken cancellationToken)
    {
        var blocking = block is not null;
        var db = await DatabaseAsync(blocking).ConfigureAwait(false);
        object[] args = block is { } b
            ? ["COUNT", count, "BLOCK", (long)b.TotalMilliseconds, "STREAMS", _stream.ToString(), after.ToString()]
            : ["COUNT", count, "STREAMS", _stream.ToString(), after.ToString()];
        var result = await Guard(() => db.ExecuteAsync("XREAD", args), cancellationToken).ConfigureAwait(false);
        if (result.IsNull)
        {
            return [];
        }
        var entries = new List<FleetRawEntry>();
        foreach (var stream in (RedisResult[])result!)
        {
            var parts = (RedisResult[])stream!;
            foreach (var item in (RedisResult[])parts[1]!)
            {
                var pair = (RedisResult[])item!;
                if (!StreamId.TryParse(pair[0].ToString(), out var id))
                {
                    throw new FleetHubException($"the hub returned an entry id that is not one ('{Core.Logging.LogText.Escape(pair[0].ToString())}')");
                }
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                if (!pair[1].IsNull)
                {
                    var values = (RedisResult[])pair[1]!;
                    for (var i = 0; i + 1 < values.Length; i += 2)
                    {
                        fields[values[i].ToString()] = values[i + 1].ToString();
                    }
                }
                entries.Add(new FleetRawEntry(id, fields));
            }
        }
        return entries;
    }

    public async Task<StreamId> TopAsync(CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync(blocking: false).ConfigureAwait(false);
        if (!await Guard(() => db.KeyExistsAsync(_stream), cancellationToken).ConfigureAwait(false))
        {
            return StreamId.Zero;
        }
        var info = (RedisResult[])(await Guard(() => db.ExecuteAsync("XINFO", "STREAM", _stream.ToString()), cancellationToken).ConfigureAwait(false))!;
        for (var i = 0; i + 1 < info.Length; i += 2)
        {
            if (info[i].ToString() == "last-generated-id" && StreamId.TryParse(info[i + 1].ToString(), out var top))
            {
                return top;
            }
        }
        return StreamId.Zero;
    }

    public async Task<FleetAppendOutcome> AppendAsync(FleetEntry entry, StreamId? expectedTop, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync(blocking: false).ConfigureAwait(false);
        var fields = entry.Fields();
        RedisValue[] args =
        [
            expectedTop?.ToString() ?? "", entry.Id.ToString(), fields[0].Value, fields[1].Value, fields[2].Value, fields[3].Value,
        ];
        var result = (RedisResult[])(await Guard(() => db.ScriptEvaluateAsync(AppendScript, [_stream], args), cancellationToken).ConfigureAwait(false))!;
        return result[0].ToString() switch
        {
            "added" => FleetAppendOutcome.Added,
            "exists" => FleetAppendOutcome.AlreadyThere,
            _ => FleetAppendOutcome.Conflict,
        };
    }

    public async Task<FleetSnapshot?> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync(blocking: false).ConfigureAwait(false);
        var values = await Guard(() => db.HashGetAsync(_snapshot, ["covers", "body", "k", "s"]), cancellationToken).ConfigureAwait(false);
        if (values[0].IsNull)
        {
            return null;
        }
        if (!StreamId.TryParse(values[0].ToString(), out var covers))
        {
            covers = StreamId.Zero;
        }
        return new FleetSnapshot(covers, values[1].ToString(), FromBase64(values[2]), FromBase64(values[3]));
    }

    public async Task<StreamId?> ReadSnapshotCoversAsync(CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync(blocking: false).ConfigureAwait(false);
        var covers = await Guard(() => db.HashGetAsync(_snapshot, "covers"), cancellationToken).ConfigureAwait(false);
        return !covers.IsNull && StreamId.TryParse(covers.ToString(), out var id) ? id : null;
    }

    public async Task<bool> WriteSnapshotAsync(FleetSnapshot snapshot, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync(blocking: false).ConfigureAwait(false);
        RedisValue[] args =
        [
            snapshot.Covers.ToString(), snapshot.Body, Convert.ToBase64String(snapshot.SignerPublicKey), Convert.ToBase64String(snapshot.Signature),
            snapshot.Covers.Ms.ToString(CultureInfo.InvariantCulture), snapshot.Covers.Seq.ToString(CultureInfo.InvariantCulture),
        ];
        var stored = await Guard(() => db.ScriptEvaluateAsync(SnapshotScript, [_snapshot], args), cancellationToken).ConfigureAwait(false);
        return (long)stored == 1;
    }

    public async Task TrimAsync(StreamId minId, CancellationToken cancellationToken)
    {
        var db = await DatabaseAsync(blocking: false).ConfigureAwait(false);
        await Guard(() => db.ExecuteAsync("XTRIM", _stream.ToString(), "MINID", minId.ToString()), cancellationToken).ConfigureAwait(false);
    }

    private static byte[] FromBase64(RedisValue value)
    {
        var text = value.IsNull ? "" : value.ToString();
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var n) ? bytes[..n] : [];
    }

    private async Task<IDatabase> DatabaseAsync(bool blocking)
    {
        // A closed hub (FLEET_* changed by a reload, or the server stopping) never connects again: a publish still
        // in flight on it fails as a hub failure (fleet_unavailable, nothing published) instead of opening a
        // connection nobody closes.
        if (Volatile.Read(ref _closed) != 0)
        {
            throw Closed();
        }
        var mux = blocking ? Volatile.Read(ref _blocking) : Volatile.Read(ref _commands);
        if (mux is null)
        {
            try
            {
                await _connecting.WaitAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                throw Closed();
            }
            try
            {
                if (Volatile.Read(ref _closed) != 0)
                {
                    throw Closed();
                }
                mux = blocking ? _blocking : _commands;
                if (mux is null)
                {
                    try
                    {
                        mux = await ConnectionMultiplexer.ConnectAsync(_options.Clone()).ConfigureAwait(false);
                    }
                    catch (RedisException ex)
                    {
                        throw new FleetHubException(ex.Message, ex);
                    }
                    if (blocking)
                    {
                        Volatile.Write(ref _blocking, mux);
                    }
                    else
                    {
                        Volatile.Write(ref _commands, mux);
                    }
                }
            }
            finally
            {
                _connecting.Release();
            }
        }
        if (!mux.IsConnected)
        {
            throw new FleetHubException($"not connected to {Display}");
        }
        return mux.GetDatabase();
    }

    /// <summary>Runs a command, turning every way Redis can fail into <see cref="FleetHubException"/> (and honouring cancellation).</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await call().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidCastException or IndexOutOfRangeException)
        {
            throw new FleetHubException(ex.Message, ex);
        }
    }

    private FleetHubException Closed() => new($"the connection to {Display} was closed (FLEET_* changed, or the server is stopping)");

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        if (Interlocked.Exchange(ref _blocking, null) is { } blocking)
        {
            await blocking.DisposeAsync().ConfigureAwait(false);
        }
        if (Interlocked.Exchange(ref _commands, null) is { } commands)
        {
            await commands.DisposeAsync().ConfigureAwait(false);
        }
        _connecting.Dispose();
    }
}
