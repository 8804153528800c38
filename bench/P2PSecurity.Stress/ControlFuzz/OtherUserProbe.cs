using System.Diagnostics;
using System.Runtime.InteropServices;

namespace P2PSecurity.Stress.ControlFuzz;

/// <summary>
/// Connects to the control socket as another local user (<c>setpriv</c> to nobody, which needs root) with Python's
/// socket module, a client nobody here wrote, and as the owner with the same script, so that a refusal can only come
/// from the socket's permissions.
/// </summary>
internal static class OtherUserProbe
{
    public const int Nobody = 65534;

    /// <summary>The system's interpreter: one that another user may run (a per-user install under /root is not).</summary>
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sys.argv[1])
        except PermissionError as e:
            print("refused:", e)
            sys.exit(3)
        s.sendall(('{"version":1,"type":"%s"}\n' % sys.argv[2]).encode())
        s.shutdown(socket.SHUT_WR)
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        print(reply.decode(errors="replace").strip())
        sys.exit(0 if b'"ok":true' in reply else 4)
        """;

    /// <summary>Why the probe cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }
        if (GetEuid() != 0)
        {
            return "not root: cannot become another user (setpriv needs root)";
        }
        return Which("setpriv") is null ? "setpriv not found" : !File.Exists(Python) ? $"{Python} not found" : null;
    }

    /// <summary>Exit code 0: served; 3: refused by permissions at connect; 4: answered with an error; otherwise see the output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string socketPath, string requestType, bool asOtherUser)
    {
        var start = new ProcessStartInfo(asOtherUser ? "setpriv" : Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var args = asOtherUser
            ? new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", Python, "-c", Script, socketPath, requestType }
            : ["-c", Script, socketPath, requestType];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEuid();
}
