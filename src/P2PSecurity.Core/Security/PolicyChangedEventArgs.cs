using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

/// <summary>Raised after a new policy is in force and live connections it refuses have been told to close.</summary>
public sealed class PolicyChangedEventArgs(SecurityPolicy before, SecurityPolicy after, ReloadResult result) : EventArgs
{
    public SecurityPolicy Before { get; } = before;
    public SecurityPolicy After { get; } = after;
    public ReloadResult Result { get; } = result;
}
