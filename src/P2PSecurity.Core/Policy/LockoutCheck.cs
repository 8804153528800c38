using System.Net;
using System.Net.NetworkInformation;

namespace P2PSecurity.Core.Policy;

/// <summary>
/// Finds policies that would lock the operator or the server out: a block on this host's own addresses (loopback
/// included, where local tools and peers on the same machine connect from), or a node key both allowed and blocked.
/// </summary>
public static class LockoutCheck
{
    /// <summary>Warnings for <paramref name="policy"/>; <paramref name="ownAddresses"/> defaults to this host's addresses.</summary>
    public static IReadOnlyList<string> Find(SecurityPolicy policy, IEnumerable<IPAddress>? ownAddresses = null)
    {
        var warnings = new List<string>(AddressLockouts(policy, ownAddresses));
        foreach (var key in policy.AllowedNodeKeys)
        {
            if (policy.BlockedNodeKeys.Contains(key))
            {
                warnings.Add($"node {key} is both allowed and blocked; the block wins");
            }
        }
        return warnings;
    }

    /// <summary>Only the blocks on this host's own addresses.</summary>
    public static IReadOnlyList<string> AddressLockouts(SecurityPolicy policy, IEnumerable<IPAddress>? ownAddresses = null)
    {
        var warnings = new List<string>();
        if (!policy.Enabled || policy.BlockedIps.RangeCount == 0)
        {
            return warnings; // nothing blocked: skip enumerating the interfaces, which reads several /proc files
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var address in ownAddresses ?? HostAddresses())
        {
            var normal = IpAddressKey.Normalize(address);
            if (policy.BlockedIps.Contains(normal) && seen.Add(normal.ToString()))
            {
                var what = IPAddress.IsLoopback(normal) ? "the loopback address" : "an address of this host";
                warnings.Add($"{PolicyKeys.BlockedIpAddresses} blocks {normal}, {what}: nodes and tools on this machine connecting from it are refused");
            }
        }
        return warnings;
    }

    /// <summary>Loopback plus every unicast address of this host's interfaces that are up.</summary>
    public static IReadOnlyList<IPAddress> HostAddresses()
    {
        var result = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up)
                {
                    continue;
                }
                result.AddRange(nic.GetIPProperties().UnicastAddresses.Select(u => u.Address).Where(a => !a.IsIPv6LinkLocal));
            }
        }
        catch (NetworkInformationException)
        {
            // Interface enumeration can be forbidden in a sandbox; loopback alone still catches the common mistake.
            return result;
        }
        return result;
    }
}
