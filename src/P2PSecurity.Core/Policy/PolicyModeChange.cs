namespace P2PSecurity.Core.Policy;

/// <summary>
/// A change of the node's admission mode between two policies: <c>open</c> (any authenticated node),
/// <c>whitelist</c> (only the allowed keys) or <c>disabled</c> (every gate open). A non-empty allow list is what
/// makes whitelist mode, so the last key leaving the list opens the node; a reload says so instead of letting it
/// pass as one more list change.
/// </summary>
/// <param name="From">The mode before: open, whitelist or disabled.</param>
/// <param name="To">The mode after.</param>
/// <param name="FromDescription">The mode before in words, e.g. "whitelist (2 allowed keys)".</param>
/// <param name="ToDescription">The mode after in words.</param>
public sealed record PolicyModeChange(string From, string To, string FromDescription, string ToDescription)
{
    public const string Open = "open";
    public const string Whitelist = "whitelist";
    public const string Disabled = "disabled";

    /// <summary>True when the node goes from admitting only its allowed keys to admitting any authenticated node.</summary>
    public bool OpensWhitelist => From == Whitelist && To == Open;

    /// <summary>The mode name of <paramref name="policy"/>: open, whitelist or disabled.</summary>
    public static string ModeOf(SecurityPolicy policy) => !policy.Enabled ? Disabled : policy.WhitelistMode ? Whitelist : Open;

    /// <summary>The change from <paramref name="before"/> to <paramref name="after"/>, or null when the mode stays.</summary>
    public static PolicyModeChange? Between(SecurityPolicy before, SecurityPolicy after)
    {
        var from = ModeOf(before);
        var to = ModeOf(after);
        return from == to ? null : new PolicyModeChange(from, to, before.ModeDescription, after.ModeDescription);
    }

    /// <summary>One line for people: <c>mode: whitelist (1 allowed keys) -> open (any authenticated node)</c>, and what it means.</summary>
    public override string ToString() =>
        $"mode: {FromDescription} -> {ToDescription}" +
        (OpensWhitelist ? ": ALLOWED_NODE_KEYS is empty, so the node is open to any authenticated node" : string.Empty);
}
