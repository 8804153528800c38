using P2PSecurity.Stress.BroadcastReplay;
using P2PSecurity.Stress.Cli;
using P2PSecurity.Stress.ControlFuzz;
using P2PSecurity.Stress.EditCrash;
using P2PSecurity.Stress.Flood;
using P2PSecurity.Stress.HeldLoad;
using P2PSecurity.Stress.Impersonation;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.Stress.PolicyFuzz;
using P2PSecurity.Stress.SlowClients;
using P2PSecurity.Stress.WireFuzz;

// Reliability harnesses (docs/RELIABILITY.md). Each command prints its figures and exits 1 if a target is missed,
// 2 if the harness itself could not run, 64 for a bad command line.
const string Usage = """
    usage: p2psecurity-stress COMMAND [options]
      policy-fuzz    [--count 10000] [--seed 1]
      wire-fuzz      [--count 10000] [--concurrency 48] [--seed 1] [--server DLL]
      slow-clients   [--count 2000] [--timeout-ms 2000] [--slack-ms 1000] [--kinds Silent,PartialTlsHello,Drip] (also: TlsThenSilent, BlockedThenSilent) [--concurrency all] [--server DLL]
      slow-clients   --hold-seconds 30 [--count 5000] [--ipv6-flows 500] [--timeout-ms 10000] [--redial-ms 200] [--kinds ...]
                     [--pending-cap N] [--max-connections N] [--target-ms 2000] [--server DLL]
                     (each address, and each flow from ::1, keeps a handshake open the whole time; an allowed node's welcome latency)
      flood          [--seconds 30] [--concurrency 32] [--sources 1] [--server DLL]
      impersonation  [--server DLL]
      broadcast-replay [--newer 200000] [--server DLL]   (a captured signed broadcast replayed after newer ids and a restart)
      control        [--count 2000] [--concurrency 16] [--seed 1] [--server DLL]   (another user refused; hostile requests answered)
      edit-crash     [--runs 100] [--lifetime-runs 20] [--parallel 50] [--seed 1]
                     (50 adds at once; then runs of 3 adds, one SIGKILLed during its write, or at any moment)
      held-load      [--connections 10000] [--seconds 60] [--ping-interval-ms 10000] [--broadcast-interval-ms 2000]
                     [--reload-interval-ms 1000] [--connect-concurrency 32] [--check-flood 0] [--edit-piece-bytes 1024] [--server DLL]
    The server under attack runs as its own process: dotnet p2psecurity-server.dll (next to this program unless --server).
    """;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
void Progress(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

try
{
    var a = HarnessArguments.Parse(args);
    HarnessReport report;
    switch (a.Command)
    {
        case "policy-fuzz":
        {
            a.RejectUnknown("--count", "--seed");
            var fuzz = PolicyFuzzer.Run(a.Number("--count", 10_000), a.Number("--seed", 1, min: 0), Progress);
            Console.WriteLine(fuzz);
            foreach (var failure in fuzz.Failures)
            {
                Console.WriteLine("  " + failure);
            }
            return fuzz.Crashes == 0 && fuzz.PartiallyApplied == 0 && fuzz.InvalidWithLine == fuzz.Invalid && fuzz.ValidMismatches == 0 ? 0 : 1;
        }
        case "edit-crash":
        {
            a.RejectUnknown("--runs", "--lifetime-runs", "--parallel", "--seed");
            var crash = await EditCrashHarness.RunAsync(new EditCrashOptions
            {
                Runs = a.Number("--runs", 100, min: 0),
                LifetimeRuns = a.Number("--lifetime-runs", 20, min: 0),
                Parallel = a.Number("--parallel", 50, min: 0, max: 500),
                Seed = a.Number("--seed", 1, min: 0),
            }, EditCrashHarness.FindTool(), Progress);
            Console.WriteLine(crash);
            foreach (var failure in crash.Failures)
            {
                Console.WriteLine("  " + failure);
            }
            return crash.Passed ? 0 : 1;
        }
        case "wire-fuzz":
            a.RejectUnknown("--count", "--concurrency", "--seed", "--server");
            report = await WireFuzzer.RunAsync(new WireFuzzOptions
            {
                Count = a.Number("--count", 10_000),
                Concurrency = a.Number("--concurrency", 48, max: 1000),
                Seed = a.Number("--seed", 1, min: 0),
                ServerDll = a.Text("--server"),
            }, Progress, cancel.Token);
            break;
        case "slow-clients" when a.Text("--hold-seconds") is not null:
            a.RejectUnknown("--hold-seconds", "--count", "--ipv6-flows", "--timeout-ms", "--redial-ms", "--kinds", "--pending-cap", "--max-connections", "--target-ms", "--server");
            report = await HeldHandshakesHarness.RunAsync(new HeldHandshakesOptions
            {
                Hold = TimeSpan.FromSeconds(a.Number("--hold-seconds", 30, min: 4)),
                Count = a.Number("--count", 5000, max: 60_000),
                Ipv6Flows = a.Number("--ipv6-flows", 500, min: 0, max: 10_000),
                Redial = TimeSpan.FromMilliseconds(a.Number("--redial-ms", 200, min: 10)),
                LatencyTarget = TimeSpan.FromMilliseconds(a.Number("--target-ms", 2000, min: 1)),
                Timeout = TimeSpan.FromMilliseconds(a.Number("--timeout-ms", 10_000, min: 100)),
                Kinds = a.Enums<SlowKind>("--kinds", SlowClientsHarness.DefaultKinds),
                PendingCap = a.Text("--pending-cap") is null ? null : a.Number("--pending-cap", 1000),
                MaxConnections = a.Text("--max-connections") is null ? null : a.Number("--max-connections", 10_000),
                ServerDll = a.Text("--server"),
            }, Progress, cancel.Token);
            break;
        case "slow-clients":
            a.RejectUnknown("--count", "--timeout-ms", "--slack-ms", "--kinds", "--concurrency", "--server");
            report = await SlowClientsHarness.RunAsync(a.Number("--count", 2000), TimeSpan.FromMilliseconds(a.Number("--timeout-ms", 2000, min: 100)),
                TimeSpan.FromMilliseconds(a.Number("--slack-ms", 1000, min: 0)), a.Enums<SlowKind>("--kinds", SlowClientsHarness.DefaultKinds), a.Text("--server"), Progress, cancel.Token,
                concurrency: a.Text("--concurrency") is null ? null : a.Number("--concurrency", 1));
            break;
        case "flood":
            a.RejectUnknown("--seconds", "--concurrency", "--sources", "--server");
            report = await FloodHarness.RunAsync(a.Number("--seconds", 30), a.Number("--concurrency", 32, max: 1000),
                a.Number("--sources", 1, max: 60_000), a.Text("--server"), Progress, cancel.Token);
            break;
        case "held-load":
            a.RejectUnknown("--connections", "--seconds", "--ping-interval-ms", "--broadcast-interval-ms", "--reload-interval-ms", "--connect-concurrency", "--check-flood", "--edit-piece-bytes", "--server");
            report = await HeldLoadHarness.RunAsync(new HeldLoadOptions
            {
                Connections = a.Number("--connections", 10_000),
                Hold = TimeSpan.FromSeconds(a.Number("--seconds", 60)),
                PingInterval = TimeSpan.FromMilliseconds(a.Number("--ping-interval-ms", 10_000, min: 100)),
                BroadcastInterval = TimeSpan.FromMilliseconds(a.Number("--broadcast-interval-ms", 2_000, min: 100)),
                ReloadInterval = TimeSpan.FromMilliseconds(a.Number("--reload-interval-ms", 1_000, min: 10)),
                ConnectConcurrency = a.Number("--connect-concurrency", 32, max: 1000),
                CheckFlood = a.Number("--check-flood", 0, min: 0, max: 256),
                EditPieceBytes = a.Number("--edit-piece-bytes", 1024, min: 0),
                ServerDll = a.Text("--server"),
            }, Progress, cancel.Token);
            break;
        case "control":
            a.RejectUnknown("--count", "--concurrency", "--seed", "--server");
            report = await ControlFuzzer.RunAsync(new ControlFuzzOptions
            {
                Count = a.Number("--count", 2000),
                Concurrency = a.Number("--concurrency", 16, max: 256),
                Seed = a.Number("--seed", 1, min: 0),
                ServerDll = a.Text("--server"),
            }, Progress, cancel.Token);
            break;
        case "impersonation":
            a.RejectUnknown("--server");
            report = await ImpersonationSuite.RunAsync(a.Text("--server"), Progress, cancel.Token);
            break;
        case "broadcast-replay":
            a.RejectUnknown("--newer", "--server");
            report = await BroadcastReplayHarness.RunAsync(a.Number("--newer", 200_000, min: 0), a.Text("--server"), Progress, cancel.Token);
            break;
        case "help" or "--help" or "-h":
            Console.WriteLine(Usage);
            return 0;
        default:
            throw new UsageException($"unknown command '{a.Command}'");
    }
    Console.WriteLine(report);
    return report.Passed ? 0 : 1;
}
catch (UsageException ex)
{
    Console.Error.WriteLine("p2psecurity-stress: " + ex.Message);
    Console.Error.WriteLine(Usage);
    return 64;
}
catch (HarnessException ex)
{
    Console.Error.WriteLine("p2psecurity-stress: the harness could not run: " + ex.Message);
    return 2;
}
