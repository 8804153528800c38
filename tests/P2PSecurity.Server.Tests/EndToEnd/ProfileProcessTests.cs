using P2PSecurity.Server.Tests.Infrastructure;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>--profile NAME (or P2PSECURITY_PROFILE) runs on .env.NAME; an unknown profile does not start.</summary>
[Trait("Tier", "EndToEnd")]
public sealed class ProfileProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Start_ProfileProd_UsesEnvDotProdAndSaysSo()
    {
        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=4\n");
        File.WriteAllText(_folder.File(".env.prod"), $"ALLOWED_NODE_KEYS={new string('a', 64)}\n");
        await using var server = ServerProcess.Start(_folder.Path, "--profile", "prod", "--port", "0");

        await server.WaitForLineAsync(@"listening on \S+ node_key=[0-9a-f]{64} mode=whitelist \(1 allowed keys\) profile=prod$");
        Assert.Contains($"source={_folder.File(".env.prod")}", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ProfileFromEnvironment_IsUsed_AndEnvFileWins()
    {
        File.WriteAllText(_folder.File(".env.staging"), $"ALLOWED_NODE_KEYS={new string('b', 64)}\n");
        var environment = new Dictionary<string, string?> { ["P2PSECURITY_PROFILE"] = "staging" };
        await using (var fromEnvironment = ServerProcess.Start(_folder.Path, environment, "--port", "0"))
        {
            await fromEnvironment.WaitForLineAsync("mode=whitelist .*profile=staging$");
        }

        _folder.WriteEnv("MAX_CONNECTIONS_PER_IP=4\n");
        await using var envFileWins = ServerProcess.Start(_folder.Path, environment, "--env-file", _folder.EnvPath, "--port", "0");
        await envFileWins.WaitForLineAsync("mode=open .*profile=none$");
    }

    [Fact]
    public async Task Start_UnknownProfile_RefusesInsteadOfRunningOnTheDefaults()
    {
        await using var server = ServerProcess.Start(_folder.Path, "--profile", "prdo", "--port", "0");

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"profile 'prdo': {_folder.File(".env.prdo")} does not exist", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("policy_defaults", server.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
