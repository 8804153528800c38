using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using P2PSecurity.LoadGen.Figures;
using P2PSecurity.LoadGen.Load;

namespace P2PSecurity.LoadGen;

/// <summary>The command line of the figure commands.</summary>
internal static class LoadGenArguments
{
    public const string Usage = """
        usage: p2psecurity-loadgen FIGURE... [options]
          FIGURE             refused | refused-reload | handshakes | messages | memory | all
                             (refused-reload: refusals while a 100,000-entry file is replaced every 500 ms; not in all)
                             refused-metrics | refused-events (issue 12: metrics on vs off; 20 events followers vs none; not in all)
                             p2psecurity-loadgen nodes-page [--requests N] [--keys N] [--changes N] [--markdown FILE]:
                             the dashboard's nodes page with 100,000 keys (defaults 200 requests, 10 changes)
          --rounds N         subject rounds for the rate figures, each between two baseline rounds (default 31)
          --memory-rounds N  subject rounds for the memory figure (default 2)
          --seconds S        measured seconds per round (default 1)
          --ramp S           ramp seconds before each round's window (default 0.25)
          --count N          instead of timing: N operations per round (smoke runs)
          --concurrency N    concurrent clients for refused (default 32) and handshakes (default 16)
          --connections N    connections for messages (default 50)
          --idle N           idle connections for memory (default 5000)
          --handshake-baseline bare|disabled   bare TLS pipeline (default) or the server with ENABLE_P2P_SECURITY=false
          --subject-set KEY=VALUE  replace a setting in the subjects' policy (repeatable), e.g. LOG_SECURITY_EVENTS=false
          --in-process       run the rate figures' servers in this process (default: a process each)
          --markdown FILE    also write the results as Markdown
        exit codes: 0 every target met and every check passed, 1 a target missed, 3 a check failed, 2 usage
        """;

    public static readonly string[] Figures = ["refused", "handshakes", "messages", "memory"];

    public static bool TryParse(string[] args, [NotNullWhen(true)] out BenchSettings? settings, out List<string> figures, out string? markdown, out string? error)
    {
        settings = null;
        figures = [];
        markdown = null;
        error = null;
        var s = new BenchSettings { Progress = Console.WriteLine };
        double seconds = s.Round.Window.TotalSeconds, ramp = s.Round.Ramp.TotalSeconds;
        int? count = null;
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} needs a value");
            int Int() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"{arg} needs a positive whole number");
            double Seconds() => double.TryParse(Value(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) && d >= 0 ? d : throw new FormatException($"{arg} needs seconds");
            try
            {
                switch (arg)
                {
                    case "all":
                        figures.AddRange(Figures);
                        break;
                    case "refused-reload" or "refused-metrics" or "refused-events":
                        figures.Add(arg);
                        break;
                    case var f when Figures.Contains(f):
                        figures.Add(f);
                        break;
                    case "--rounds": s = s with { Rounds = Int() }; break;
                    case "--memory-rounds": s = s with { MemoryRounds = Int() }; break;
                    case "--seconds": seconds = Seconds(); break;
                    case "--ramp": ramp = Seconds(); break;
                    case "--count": count = Int(); break;
                    case "--concurrency": s = s with { Concurrency = Int() }; break;
                    case "--connections": s = s with { MessageConnections = Int() }; break;
                    case "--idle": s = s with { IdleConnections = Int() }; break;
                    case "--in-process": s = s with { Isolated = false }; break;
                    case "--markdown": markdown = Value(); break;
                    case "--subject-set":
                        var setting = Value();
                        var eq = setting.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0)
                        {
                            throw new FormatException($"--subject-set '{setting}': KEY=VALUE");
                        }
                        overrides[setting[..eq]] = setting[(eq + 1)..];
                        break;
                    case "--handshake-baseline":
                        s = Value() switch
                        {
                            "bare" => s with { HandshakeBaselineDisabled = false },
                            "disabled" => s with { HandshakeBaselineDisabled = true },
                            var other => throw new FormatException($"--handshake-baseline '{other}': bare or disabled"),
                        };
                        break;
                    default:
                        throw new FormatException($"unknown argument '{arg}'");
                }
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return false;
            }
        }
        if (figures.Count == 0)
        {
            error = "name at least one figure";
            return false;
        }
        var round = count is { } n ? RoundSpec.Counted(n) : new RoundSpec(TimeSpan.FromSeconds(ramp), TimeSpan.FromSeconds(seconds));
        settings = s with { Round = round, SubjectOverrides = overrides };
        figures = [.. figures.Distinct()];
        return true;
    }
}
