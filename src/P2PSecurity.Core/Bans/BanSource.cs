namespace P2PSecurity.Core.Bans;

/// <summary>Who or what made a ban. Stored by name in the state database; never renumber.</summary>
public enum BanSource : byte
{
    /// <summary>An operator, through <c>manage_trusted_nodes ban</c>. Never dropped to make room.</summary>
    Operator = 1,

    /// <summary>The server itself, from strikes (AUTO_BAN). Replaced first when the table is full.</summary>
    Automatic = 2,

    /// <summary>A fleet decision (FLEET_REDIS), signed by an operator key; never stored as a local ban.</summary>
    Fleet = 3,
}

/// <summary>Stable lower-case names of ban sources, used in the database, the control protocol and tool output.</summary>
public static class BanSourceNames
{
    public static string Name(this BanSource source) => source switch
    {
        BanSource.Operator => "operator",
        BanSource.Automatic => "automatic",
        BanSource.Fleet => "fleet",
        _ => "unknown",
    };

    public static bool TryParse(string? name, out BanSource source)
    {
        source = name switch
        {
            "operator" => BanSource.Operator,
            "automatic" => BanSource.Automatic,
            _ => 0,
        };
        return source != 0;
    }
}
