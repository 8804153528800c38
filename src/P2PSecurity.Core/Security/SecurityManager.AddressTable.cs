using System.Net;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// The per-address table (<c>_ips</c>) is bounded: a state is made for a new address only while the table holds fewer
/// than <see cref="TrackedAddressLimit"/>. A state that holds a connection is never dropped (there are at most
/// MAX_CONNECTIONS of those, plus the dialled ones), so the rest of the room is rate memory: states without a
/// connection whose buckets are still refilling. The 10 s sweep drops the refilled ones; a full table asks for a
/// sweep at once that also forgets rate memory, down to three quarters of the limit.
/// </summary>
public sealed partial class SecurityManager
{
    /// <summary>The table's size limit: twice MAX_CONNECTIONS, and at least 65,536 (300-380 bytes an entry: about 25 MiB, see README).</summary>
    internal int TrackedAddressLimit(SecurityPolicy policy)
    {
        var forTests = Volatile.Read(ref _trackedLimitOverride);
        return forTests > 0 ? forTests : Math.Max(2 * policy.MaxConnections, 65_536);
    }

    /// <summary>Tests set a small table limit; 0 means the policy's.</summary>
    internal int TrackedAddressLimitOverride
    {
        get => Volatile.Read(ref _trackedLimitOverride);
        set => Volatile.Write(ref _trackedLimitOverride, value);
    }

    /// <summary>
    /// The state that counts <paramref name="key"/>, made if missing; null when the table is full (the caller refuses,
    /// and a sweep to make room is already on its way on the thread pool: the accept loop never walks the table).
    /// </summary>
    private IpState? StateFor(UInt128 key, IPAddress remote, SecurityPolicy policy)
    {
        while (true)
        {
            if (_ips.TryGetValue(key, out var state))
            {
                return state;
            }
            var limit = TrackedAddressLimit(policy);
            if (Volatile.Read(ref _tracked) >= limit)
            {
                RequestRoom(limit);
                return null;
            }
            // IPv4 and a full-length IPv6 prefix keep the peer's own address; a shorter prefix shows its network.
            var address = IpAddressKey.IsIPv4(key) || policy.Ipv6LimitPrefix >= 128 ? IpAddressKey.Normalize(remote) : IpAddressKey.ToAddress(key);
            var fresh = new IpState(address, key);
            if (_ips.TryAdd(key, fresh))
            {
                Interlocked.Increment(ref _tracked);
                return fresh;
            }
            // Another thread added it first; take theirs (or, if the sweeper removed it already, try again).
        }
    }

    /// <summary>Starts one sweep that forgets rate memory, unless one is running.</summary>
    private void RequestRoom(int limit)
    {
        if (Interlocked.CompareExchange(ref _makingRoom, 1, 0) != 0)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static s => s.manager.MakeRoom(s.limit), (manager: this, limit), preferLocal: false);
    }

    /// <summary>Sweeps a full table: first what remembers nothing, then rate memory, down to three quarters of the limit.</summary>
    internal void MakeRoom(int limit)
    {
        try
        {
            Sweep();
            var target = limit / 4 * 3;
            if (Volatile.Read(ref _tracked) > target)
            {
                Sweep(forgetRates: true, downTo: target);
            }
        }
        catch (Exception ex)
        {
            // The table stays full and new addresses stay refused until the next sweep: closed, not open.
            SecurityLog.InternalError(_logger, ex, "sweep", "-");
        }
        finally
        {
            Volatile.Write(ref _makingRoom, 0);
        }
    }
}
