using System.Globalization;
using System.Text.RegularExpressions;

namespace P2PSecurity.Stress.Infrastructure;

/// <summary>
/// The server's own counts, read from its /metrics endpoint (the harness starts it with <c>--metrics 127.0.0.1:0</c>):
/// what the server refused and why, which the clients cannot tell apart (a refusal at the gate and an eviction are both
/// a close without a byte).
/// </summary>
public sealed partial class MetricsScrape
{
    private readonly Dictionary<string, long> _refused;

    private MetricsScrape(Dictionary<string, long> refused, long accepted)
    {
        _refused = refused;
        Accepted = accepted;
    }

    /// <summary>Connections admitted by the accept gate.</summary>
    public long Accepted { get; }

    /// <summary>Refusals with the reason code <paramref name="reason"/> (e.g. pending_handshake_evicted).</summary>
    public long Refused(string reason) => _refused.GetValueOrDefault(reason);

    /// <summary>Waits for the server's <c>metrics_listening</c> line and returns the URL it names.</summary>
    public static async Task<Uri> UrlAsync(ServerUnderTest server) =>
        new((await server.WaitForOutputAsync(@"metrics_listening url=(\S+)", TimeSpan.FromSeconds(30))).Groups[1].Value);

    public static async Task<MetricsScrape> ReadAsync(Uri url, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string text;
        try
        {
            text = await http.GetStringAsync(url, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new HarnessException($"could not read the server's metrics at {url}: {ex.Message}");
        }
        var refused = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in RefusedLine().Matches(text))
        {
            refused[m.Groups[1].Value] = long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        var accepted = AcceptedLine().Match(text);
        return new MetricsScrape(refused, accepted.Success ? long.Parse(accepted.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"^p2psecurity_connections_refused_total\{[^}]*reason=""([a-z_]+)""[^}]*\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex RefusedLine();

    [GeneratedRegex(@"^p2psecurity_connections_accepted_total(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline)]
    private static partial Regex AcceptedLine();
}
