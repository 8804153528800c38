using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>ENABLE_P2P_SECURITY=false needs SECURITY_OFF_ACK=I_UNDERSTAND, at start and at reload.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class SecurityOffProcessTests : IDisposable
{
    private const string WhatToAdd = "to mean it, add the line SECURITY_OFF_ACK=I_UNDERSTAND to this file";
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Start_SecurityOffWithoutAck_RefusesSayingWhatToAdd()
    {
        _folder.WriteEnv("ENABLE_P2P_SECURITY=false\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("ENABLE_P2P_SECURITY line 1: is false, which opens every gate", server.Errors, StringComparison.Ordinal);
        Assert.Contains(WhatToAdd, server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SecurityOffWithAck_StartsDisabled_AndReloadWithoutAckKeepsThePolicy()
    {
        _folder.WriteEnv("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");

        await server.WaitForLineAsync("listening on .* mode=DISABLED");
        await server.WaitForLineAsync("control_listening"); // started after the SIGHUP handler
        _folder.ReplaceEnv("ENABLE_P2P_SECURITY=false\nMAX_CONNECTIONS_PER_IP=4\n");
        server.Signal(ServerProcess.SigHup);

        await server.WaitForLineAsync("sighup_reload outcome=Invalid revision=1");
        Assert.Contains(WhatToAdd, server.Output, StringComparison.Ordinal);
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task Reload_SecurityOffWithoutAckThenWithIt_RefusedThenApplied()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=4\n");
        await using var server = ServerProcess.Start(_folder.Path, "--env-file", _folder.EnvPath, "--port", "0");
        await server.WaitForListeningAsync();
        await server.WaitForLineAsync("control_listening"); // started after the SIGHUP handler

        _folder.ReplaceEnv("ENABLE_P2P_SECURITY=false\n");
        server.Signal(ServerProcess.SigHup);
        await server.WaitForLineAsync("sighup_reload outcome=Invalid revision=1");
        _folder.ReplaceEnv("ENABLE_P2P_SECURITY=false\nSECURITY_OFF_ACK=I_UNDERSTAND\n");
        server.Signal(ServerProcess.SigHup);

        // The 250 ms poll may apply the renamed file before the signal is handled: either way revision 2 is in force.
        await server.WaitForLineAsync("security_disabled revision=2");
        await server.WaitForLineAsync(@"sighup_reload outcome=(Applied|Unchanged) revision=2");
    }

    public void Dispose() => _folder.Dispose();
}
