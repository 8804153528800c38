using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Control;

/// <summary>A <see cref="PolicyModeChange"/> on the wire.</summary>
public sealed class ModeChangeInfo
{
    /// <summary>"open", "whitelist" or "disabled".</summary>
    public string From { get; set; } = string.Empty;

    /// <summary>"open", "whitelist" or "disabled".</summary>
    public string To { get; set; } = string.Empty;

    /// <summary>True when the node goes from whitelist mode to admitting any authenticated node.</summary>
    public bool Opened { get; set; }

    /// <summary>The change in words, as the tools print it.</summary>
    public string Text { get; set; } = string.Empty;

    public static ModeChangeInfo? Of(PolicyModeChange? change) => change is null ? null : new()
    {
        From = change.From,
        To = change.To,
        Opened = change.OpensWhitelist,
        Text = change.ToString(),
    };
}
