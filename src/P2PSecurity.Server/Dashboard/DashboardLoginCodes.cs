using System.Security.Cryptography;
using System.Text;

namespace P2PSecurity.Server.Dashboard;

/// <summary>
/// One-time login codes for <c>reload_security dashboard-url</c>: 128 random bits, good for <see cref="Lifetime"/>
/// and for one login. Only each code's SHA-256 is kept, so not even a memory dump of the server shows a usable
/// code. At most <see cref="MaxOutstanding"/> are outstanding; a newer one pushes out the oldest.
/// </summary>
internal sealed class DashboardLoginCodes(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public const int MaxOutstanding = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);

    /// <summary>A new code and the moment it stops working.</summary>
    public (string Code, DateTimeOffset ExpiresAt) Issue()
    {
        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var expires = time.GetUtcNow() + Lifetime;
        lock (_gate)
        {
            Prune();
            if (_expiries.Count >= MaxOutstanding)
            {
                _expiries.Remove(_expiries.MinBy(e => e.Value).Key);
            }
            _expiries[Hash(code)] = expires;
        }
        return (code, expires);
    }

    /// <summary>True once for a code issued here and not yet expired; the code is gone afterwards either way.</summary>
    public bool TryRedeem(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 64)
        {
            return false;
        }
        lock (_gate)
        {
            Prune();
            return _expiries.Remove(Hash(code.Trim()));
        }
    }

    private void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (hash, expires) in _expiries.Where(e => e.Value <= now).ToList())
        {
            _expiries.Remove(hash);
        }
    }

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
