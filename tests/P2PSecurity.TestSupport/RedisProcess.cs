using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace P2PSecurity.TestSupport;

/// <summary>
/// A redis-server of the test's (or harness's) own on a free loopback port, with no persistence
/// (<c>--save '' --appendonly no</c>): stopped, it forgets everything, as a hub that lost its memory. Stopped when
/// disposed.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    private Process? _process;

    private RedisProcess(int port) => Port = port;

    public int Port { get; }

    public string Url => $"redis://127.0.0.1:{Port}/0";

    public bool Running => _process is { HasExited: false };

    /// <summary>CPU time the running redis-server has used (user + system), from /proc.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            if (_process is not { HasExited: false } p)
            {
                return TimeSpan.Zero;
            }
            var fields = File.ReadAllText($"/proc/{p.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
    }

    /// <summary>Starts a redis-server on a free loopback port and waits until it accepts connections.</summary>
    public static async Task<RedisProcess> StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is not installed (.ci/run installs the Debian package redis-server)");
        }
        var redis = new RedisProcess(FreePort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again) on the same port, empty; fails after 10 s without a connection.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < StartLimit)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Commands Redis has processed since it started (INFO stats).</summary>
    public async Task<long> CommandsAsync()
    {
        await using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},allowAdmin=true");
        var info = await mux.GetServers()[0].InfoAsync("stats");
        var value = info.SelectMany(g => g).First(kv => kv.Key == "total_commands_processed").Value;
        return long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
