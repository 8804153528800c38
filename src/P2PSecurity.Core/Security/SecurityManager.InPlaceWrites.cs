using System.Security.Cryptography;
using P2PSecurity.Core.Logging;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Security;

public sealed partial class SecurityManager
{
    private static readonly string EmptyContentHash = Convert.ToHexStringLower(SHA256.HashData([]));
    private FileStamp _heldBackStamp;

    /// <summary>
    /// True when an empty file should not be applied yet. A writer that replaces the file's content in place (a shell
    /// redirection, <c>File.WriteAllText</c>, many editors) truncates it before writing, and a reload in between reads
    /// an empty file: a valid policy of embedded defaults, with every allow and block list gone, which would open the
    /// server until the write lands. So a file that became empty less than the racy window ago
    /// (<see cref="PolicyFileWatch.RacyWindowNs"/>) is held back; the policy in force stays, and the file is read
    /// again at every check. An empty file that stays empty past the window is applied like any other file.
    /// </summary>
    private bool HoldBackEmptyFile(FileStamp stamp, byte[] bytes, SecurityPolicy current)
    {
        if (bytes.Length != 0 || current.ContentHash.Length == 0 || current.ContentHash == EmptyContentHash)
        {
            return false;
        }
        var ageNs = ((_time.GetUtcNow().UtcDateTime - DateTime.UnixEpoch).Ticks * 100) - Math.Max(stamp.ModifiedNs, stamp.ChangedNs);
        if (ageNs >= PolicyFileWatch.RacyWindowNs)
        {
            return false;
        }
        if (_heldBackStamp != stamp)
        {
            _heldBackStamp = stamp;
            SecurityLog.PolicyFileEmptied(_logger, PolicyPath, ageNs / 1_000_000, current.Revision);
        }
        return true;
    }
}
