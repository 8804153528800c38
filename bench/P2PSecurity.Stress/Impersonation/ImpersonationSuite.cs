using System.Security.Cryptography;
using System.Text.RegularExpressions;
using P2PSecurity.Stress.Infrastructure;
using P2PSecurity.TestSupport;

namespace P2PSecurity.Stress.Impersonation;

/// <summary>
/// The impersonation and replay suite (docs/RELIABILITY.md): forged client certificates, replayed network-key
/// answers, IPv4 blocks against ::ffff: clients, keys written in other forms. Figure: attack successes (target 0),
/// with controls proving that each kind of success would have been seen.
/// </summary>
public static class ImpersonationSuite
{
    public static async Task<HarnessReport> RunAsync(string? serverDll, Action<string> progress, CancellationToken ct)
    {
        var loadAtStart = MachineLoad.Describe();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var cast = new ImpersonationCast();
        using var dualFolder = new TempFolder();
        using var ipv4Folder = new TempFolder();
        dualFolder.WriteEnv(cast.Env(secret));
        ipv4Folder.WriteEnv(cast.Env(secret) + "LISTEN_ADDRESS=0.0.0.0\n");
        await using var dual = await ServerUnderTest.StartAsync(dualFolder, serverDll);
        await using var ipv4 = await ServerUnderTest.StartAsync(ipv4Folder, serverDll);
        var context = new ImpersonationContext(dual, cast, secret);

        var attempts = new List<Attempt>();
        progress("forged certificates (hand-built TLS 1.3 client)");
        attempts.AddRange(await ForgedCertificateAttacks.RunAsync(context, ct));
        progress("network-key replay");
        attempts.AddRange(await NetworkKeyReplayAttacks.RunAsync(context, ct));
        progress("IPv4 blocks against ::ffff: clients");
        attempts.AddRange(await MappedAddressAttacks.RunAsync(context, dual, "dual-stack", ct));
        attempts.AddRange(await MappedAddressAttacks.RunAsync(context, ipv4, "ipv4-listener", ct));
        progress("node keys in other spellings");
        attempts.AddRange(await KeyFormAttacks.RunAsync(context, ct));

        var report = new HarnessReport("impersonation", loadAtStart);
        var attacks = attempts.Where(a => !a.IsControl).ToList();
        report.Info("attacks", attacks.Count, attacks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        report.Zero("successes", attacks.Count(a => a.Succeeded));
        foreach (var group in attacks.GroupBy(a => a.Group))
        {
            report.Zero($"successes.{group.Key}", group.Count(a => a.Succeeded));
        }
        report.Zero("controls_failed", attempts.Count(a => a.ControlFailed));
        var silent = ImpersonationCast.NearMissSettings.Count(s => !Warned(dual, s.Written, s.Meant));
        report.Zero("near_miss_settings_ignored_silently", silent);
        report.Zero("server_exits", (dual.HasExited ? 1 : 0) + (ipv4.HasExited ? 1 : 0));
        foreach (var attempt in attempts)
        {
            report.Note(attempt.ToString());
        }
        await dual.StopAsync(TimeSpan.FromSeconds(10));
        await ipv4.StopAsync(TimeSpan.FromSeconds(10));
        return report;
    }

    private static bool Warned(ServerUnderTest server, string written, string meant)
    {
        var pattern = new Regex($@"policy_warning {Regex.Escape(written)} line \d+: is not a setting and is ignored; did you mean {meant}\?", RegexOptions.CultureInvariant);
        return pattern.IsMatch(server.Output.Excerpt());
    }
}
