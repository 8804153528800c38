using P2PSecurity.Core.Identity;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.LoadGen.Figures;

/// <summary>The load's node identities (made in memory; the subject's allow list holds their keys).</summary>
internal sealed class ClientIdentities : IDisposable
{
    private readonly NodeIdentity[] _identities = [.. Enumerable.Range(0, 8).Select(_ => NodeIdentity.Create())];

    public IEnumerable<NodeKey> Keys => _identities.Select(i => i.NodeKey);

    public NodeIdentity this[long index] => _identities[(int)(index % _identities.Length)];

    public void Dispose()
    {
        foreach (var identity in _identities)
        {
            identity.Dispose();
        }
    }
}
