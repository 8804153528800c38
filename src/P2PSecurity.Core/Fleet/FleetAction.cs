namespace P2PSecurity.Core.Fleet;

/// <summary>What a fleet decision does. Written by name in the stream and the state database; never renumber.</summary>
public enum FleetAction : byte
{
    /// <summary>Refuse an address, a CIDR range or a node key, until unblocked.</summary>
    Block = 1,

    /// <summary>Lift a fleet block.</summary>
    Unblock = 2,

    /// <summary>Refuse an address, a range or a node key until an expiry (the same wall-clock time on every node).</summary>
    Ban = 3,

    /// <summary>Lift a fleet ban.</summary>
    Unban = 4,

    /// <summary>Add a node key to the allow list of every node in whitelist mode.</summary>
    Allow = 5,

    /// <summary>Take a key the fleet allowed off again (a key in a node's own ALLOWED_NODE_KEYS stays allowed there).</summary>
    Disallow = 6,
}

/// <summary>Stable lower-case names of fleet actions: the wire form, the tools' verbs and the database's.</summary>
public static class FleetActionNames
{
    public static string Name(this FleetAction action) => action switch
    {
        FleetAction.Block => "block",
        FleetAction.Unblock => "unblock",
        FleetAction.Ban => "ban",
        FleetAction.Unban => "unban",
        FleetAction.Allow => "allow",
        FleetAction.Disallow => "disallow",
        _ => "unknown",
    };

    public static bool TryParse(string? name, out FleetAction action)
    {
        action = name switch
        {
            "block" => FleetAction.Block,
            "unblock" => FleetAction.Unblock,
            "ban" => FleetAction.Ban,
            "unban" => FleetAction.Unban,
            "allow" => FleetAction.Allow,
            "disallow" => FleetAction.Disallow,
            _ => 0,
        };
        return action != 0;
    }
}
