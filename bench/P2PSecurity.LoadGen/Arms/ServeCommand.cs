using System.Globalization;

namespace P2PSecurity.LoadGen.Arms;

/// <summary>
/// <c>p2psecurity-loadgen serve</c>: hosts one arm's server in this process for a <see cref="ChildProcessArm"/>.
/// Prints <c>listening PORT</c>, then answers each stdin line: <c>stats</c> (or <c>stats gc</c>, after a full
/// collection) with one stats line, <c>quit</c> by stopping. A closed stdin (the parent died) also stops it.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(ArmSpec spec)
    {
        await using var server = await spec.StartServerAsync(ownsProcess: true, CancellationToken.None).ConfigureAwait(false);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {server.EndPoint.Port}"));
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            switch (line.Trim())
            {
                case "stats":
                    Console.Out.WriteLine(ArmStats.Measure(server.Counters, collect: false).ToLine());
                    break;
                case "stats gc":
                    Console.Out.WriteLine(ArmStats.Measure(server.Counters, collect: true).ToLine());
                    break;
                case "quit":
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"serve: unknown command '{line}' (stats, stats gc, quit)").ConfigureAwait(false);
                    break;
            }
        }
        return 0;
    }
}
