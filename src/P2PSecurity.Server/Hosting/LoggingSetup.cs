using P2PSecurity.Core.Policy;
using Serilog;
using Serilog.Events;

namespace P2PSecurity.Server.Hosting;

/// <summary>
/// The server's Serilog logger: the console and SECURITY_LOG_FILE (resolved next to the policy file), with the
/// timestamp, the event and its fields. Peer-supplied text is escaped by the callers, never here.
/// </summary>
internal static class LoggingSetup
{
    private const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} {Level:u3} {Message:lj}{NewLine}{Exception}";
    private const string FileTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {SourceContext} {Message:lj}{NewLine}{Exception}";

    public static Serilog.Core.Logger Create(SecurityPolicy policy, ServerOptions options, Serilog.Core.ILogEventSink? feed = null)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(options.MinimumLevel)
            .MinimumLevel.Override("DotNetty", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning);
        if (options.ConsoleLog)
        {
            configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
        if (feed is not null)
        {
            configuration.WriteTo.Sink(feed); // the dashboard's live events; it keeps only the security log's
        }
        if (policy.LogSecurityEvents)
        {
            var path = policy.ResolvePath(policy.SecurityLogFile);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StartupException($"SECURITY_LOG_FILE {path}: cannot create its folder: {ex.Message}", ex);
            }
            // Not buffered: a security event is on disk (in the OS) as soon as it is logged, and nothing is lost
            // when the process is killed.
            configuration.WriteTo.File(path, outputTemplate: FileTemplate, buffered: false, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
        return configuration.CreateLogger();
    }
}
