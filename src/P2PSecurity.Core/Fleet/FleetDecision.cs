using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using P2PSecurity.Core.Bans;

namespace P2PSecurity.Core.Fleet;

/// <summary>
/// One operator decision for the whole fleet. Its text form (the <c>d</c> field of a stream entry, and a line of a
/// snapshot) is <c>ACTION TARGET [EXPIRES_AT_MS]</c>: <c>block 10.0.0.0/8</c>, <c>ban 203.0.113.7 1767225600000</c>,
/// <c>allow 3f…</c>. The target is canonical (<see cref="BanTarget.ToString"/>), so equal decisions are equal text.
/// </summary>
public sealed record FleetDecision(FleetAction Action, BanTarget Target, long ExpiresAtMs = Ban.Forever)
{
    /// <summary>A text form longer than this is refused unread (a node key is 64 characters).</summary>
    public const int MaxTextLength = 200;

    public bool IsForever => ExpiresAtMs == Ban.Forever;

    public override string ToString() => Action == FleetAction.Ban && !IsForever
        ? string.Create(CultureInfo.InvariantCulture, $"{Action.Name()} {Target} {ExpiresAtMs}")
        : $"{Action.Name()} {Target}";

    /// <summary>
    /// Parses the text form. Allow and disallow take a node key only; a ban's expiry is Unix milliseconds (absent:
    /// forever); nothing else takes one.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out FleetDecision? decision, [NotNullWhen(false)] out string? error)
    {
        decision = null;
        if (text is null || text.Length == 0 || text.Length > MaxTextLength)
        {
            error = "a fleet decision is 'ACTION TARGET [EXPIRES_AT_MS]' of at most 200 characters";
            return false;
        }
        var parts = text.Split(' ');
        if (parts.Length is < 2 or > 3 || !FleetActionNames.TryParse(parts[0], out var action))
        {
            error = $"'{Logging.LogText.Escape(text)}' is not a fleet decision (ACTION TARGET [EXPIRES_AT_MS], ACTION one of block, unblock, ban, unban, allow, disallow)";
            return false;
        }
        if (!BanTarget.TryParse(parts[1], out var target, out error))
        {
            return false;
        }
        if (target.ToString() != parts[1])
        {
            error = $"'{Logging.LogText.Escape(parts[1])}' is not in canonical form ({target})";
            return false;
        }
        if (action is FleetAction.Allow or FleetAction.Disallow && !target.IsNode)
        {
            error = $"{action.Name()} takes a node key, not an address";
            return false;
        }
        var expires = Ban.Forever;
        if (parts.Length == 3)
        {
            if (action != FleetAction.Ban || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out expires) || expires <= 0)
            {
                error = $"'{Logging.LogText.Escape(parts[2])}': only a ban takes an expiry, in Unix milliseconds";
                return false;
            }
        }
        decision = new FleetDecision(action, target, expires);
        error = null;
        return true;
    }
}
