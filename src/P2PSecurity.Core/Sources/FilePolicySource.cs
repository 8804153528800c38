using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Sources;

/// <summary>
/// The <c>.env</c> file as a policy source: the last good <see cref="SecurityPolicy"/> the file gave. The reading and
/// judging of the file (stamp, racy and settle windows, the truncation guard, validation) is the reload path's, in
/// <see cref="Security.SecurityManager"/>; a policy that fails validation is never published, so the last good one stays.
/// </summary>
public sealed class FilePolicySource(SecurityPolicy initial) : IPolicySource<SecurityPolicy>
{
    private SecurityPolicy _policy = initial;

    public string Name => "file";

    public SecurityPolicy Snapshot => Volatile.Read(ref _policy);

    public long Revision => Snapshot.Revision;

    public event Action? Published;

    /// <summary>Puts a validated policy in force (one exchange) and tells the composer, before any eviction pass.</summary>
    public void Publish(SecurityPolicy policy)
    {
        Interlocked.Exchange(ref _policy, policy);
        Published?.Invoke();
    }
}
