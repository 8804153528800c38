using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PSecurity.Core.Lockdown;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>
/// A manager built from a policy held in memory: no policy file, no lockdown state file. The gate, the connection
/// table and the sources work as with a file; the file source simply never changes (a reload check looks at nothing).
/// Unit tests of the gate use it, so they need no temporary folder.
/// </summary>
public sealed partial class SecurityManager
{
    /// <summary>The name shown as the policy path of a manager built <see cref="FromPolicy"/>.</summary>
    public const string InMemoryPath = "(in memory)";

    private bool _inMemory;

    /// <summary>
    /// Starts deciding on <paramref name="policy"/> (e.g. <see cref="SecurityPolicy.Defaults"/> with changes, or what
    /// <see cref="PolicyLoader.Load(string, string?, string?, PolicyLoadContext?)"/> made of a text). The revision is 1.
    /// </summary>
    public static SecurityManager FromPolicy(SecurityPolicy policy, ILogger? logger = null, TimeProvider? time = null)
    {
        logger ??= NullLogger.Instance;
        time ??= TimeProvider.System;
        var initial = policy with { Revision = 1 };
        var first = new ReloadResult(ReloadOutcome.Applied, 1, [], [], 0, time.GetUtcNow(), "start");
        var lockdown = LockdownSwitch.InMemory(time, logger);
        lockdown.ObservePolicy(initial.Lockdown, first.At);
        return new SecurityManager(InMemoryPath, initial, NewSeen(time, FileStamp.Missing, 0), first, logger, time, lockdown)
        {
            _inMemory = true,
        };
    }

    /// <summary>True for a manager built <see cref="FromPolicy"/>: there is no file to watch.</summary>
    public bool InMemory => _inMemory;
}
