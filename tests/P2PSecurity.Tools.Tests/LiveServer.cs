using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Server.Control;

namespace P2PSecurity.Tools.Tests;

/// <summary>
/// A real SecurityManager on a real .env in a temp folder, with the real control channel on the default socket
/// beside it, in this process: what the tools talk to until the full server process is merged.
/// </summary>
internal sealed class LiveServer : IAsyncDisposable
{
    private readonly P2PSecurity.Server.Storage.SqliteBanStore _database;

    private LiveServer(TempFolder folder, SecurityManager manager, ControlChannelService channel, P2PSecurity.Server.Storage.SqliteBanStore database)
    {
        Folder = folder;
        Manager = manager;
        Channel = channel;
        _database = database;
    }

    public TempFolder Folder { get; }

    public string EnvPath => Folder.EnvPath;

    public SecurityManager Manager { get; }

    public ControlChannelService Channel { get; }

    public static Task<LiveServer> StartAsync(string envText, TimeProvider? time = null, bool bans = false) => StartAsync(new TempFolder(envText), time, bans);

    /// <summary>
    /// Starts a server on an existing folder (its .env must be valid), on <paramref name="time"/> (default: the system
    /// clock), with its lockdown in the state database as the server keeps it; with <paramref name="bans"/>, its bans too.
    /// </summary>
    public static async Task<LiveServer> StartAsync(TempFolder folder, TimeProvider? time = null, bool bans = false)
    {
        P2PSecurity.Server.Storage.SqliteBanStore? database = null;
        var manager = SecurityManager.Create(folder.EnvPath, time: time, lockdownStore: policy =>
        {
            database = P2PSecurity.Server.Storage.SqliteBanStore.Open(policy.ResolvePath(policy.StateDatabase));
            return P2PSecurity.Server.Storage.SqliteLockdownStore.Open(database, P2PSecurity.Core.Lockdown.LockdownStore.PathFor(folder.EnvPath),
                NullLogger.Instance, time);
        });
        if (bans)
        {
            manager.AttachBans(P2PSecurity.Core.Bans.BanList.Open(database!, () => manager.Policy.AutoBan, time: time));
        }
        var channel = new ControlChannelService(manager, new ControlChannelOptions(), NullLogger<ControlChannelService>.Instance, new RecentNodeRefusals());
        await channel.StartAsync(CancellationToken.None);
        return new LiveServer(folder, manager, channel, database!);
    }

    public static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>A connection from <paramref name="address"/> that has passed the node gate as <paramref name="nodeKey"/>.</summary>
    public ConnectionSlot Connect(string address, string nodeKey)
    {
        var accept = Manager.OnNewConnection(IPAddress.Parse(address));
        Assert.True(accept.Allowed, $"accept refused: {accept.Decision}");
        Assert.True(Manager.EvaluateNode(accept.Slot!, NodeKey.Parse(nodeKey), networkKeyProven: true).Allowed);
        return accept.Slot!;
    }

    /// <summary>Whether a new connection from <paramref name="address"/> as <paramref name="nodeKey"/> would be let in now.</summary>
    public SecurityDecision TryConnect(string address, string nodeKey)
    {
        var accept = Manager.OnNewConnection(IPAddress.Parse(address));
        if (!accept.Allowed)
        {
            return accept.Decision;
        }
        try
        {
            return Manager.EvaluateNode(accept.Slot!, NodeKey.Parse(nodeKey), networkKeyProven: true);
        }
        finally
        {
            accept.Slot!.Release();
        }
    }

    /// <summary>Stops the control channel only (as a crashed or stopped server), keeping the folder.</summary>
    public async Task StopChannelAsync() => await Channel.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Channel.StopAsync(CancellationToken.None);
        Channel.Dispose();
        Manager.Bans?.Dispose();
        Manager.Dispose();
        _database.Dispose();
        Folder.Dispose();
    }
}
