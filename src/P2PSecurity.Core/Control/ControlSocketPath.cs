using P2PSecurity.Core.EnvFile;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Control;

/// <summary>
/// Finds the control socket of the server that uses a policy file: CONTROL_SOCKET from the file (default
/// <c>p2psecurity.sock</c>), relative to the file's folder, as <see cref="SecurityPolicy.ResolvePath"/> does.
/// </summary>
/// <remarks>
/// Read leniently, with the env-file parser alone and not the validator: a tool must reach the server to learn
/// that a broken file was refused, and the server keeps the socket it opened at start whatever the file says now.
/// </remarks>
public static class ControlSocketPath
{
    public static string ForPolicyFile(string envPath)
    {
        var full = Path.GetFullPath(envPath);
        var value = SecurityPolicy.Defaults.ControlSocket;
        try
        {
            var configured = EnvFileParser.Parse(File.ReadAllText(full)).Last(PolicyKeys.ControlSocket)?.Value.Trim();
            if (!string.IsNullOrEmpty(configured) && configured.IndexOfAny(Path.GetInvalidPathChars()) < 0)
            {
                value = configured;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No readable file: the server runs on the defaults, so the default socket is the one to try.
            value = SecurityPolicy.Defaults.ControlSocket;
        }
        return Path.IsPathRooted(value) ? value : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, value));
    }
}
