using P2PSecurity.Core.Connections;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>The manager's view of its connection table (<see cref="ConnectionTable"/>), for status and tests of the sweep.</summary>
public sealed partial class SecurityManager
{
    /// <summary>The table's size limit (see <see cref="ConnectionTable.TrackedAddressLimit"/>).</summary>
    internal int TrackedAddressLimit(SecurityPolicy policy) => _table.TrackedAddressLimit(policy);

    /// <summary>Tests set a small table limit; 0 means the policy's.</summary>
    internal int TrackedAddressLimitOverride
    {
        get => _table.TrackedAddressLimitOverride;
        set => _table.TrackedAddressLimitOverride = value;
    }

    /// <summary>Drops per-address state that remembers nothing (see <see cref="ConnectionTable.Sweep"/>).</summary>
    internal void Sweep(bool forgetRates = false, int downTo = 0) => _table.Sweep(forgetRates, downTo);

    /// <summary>Sweeps a full table (see <see cref="ConnectionTable.MakeRoom"/>).</summary>
    internal void MakeRoom(int limit) => _table.MakeRoom(limit);
}
