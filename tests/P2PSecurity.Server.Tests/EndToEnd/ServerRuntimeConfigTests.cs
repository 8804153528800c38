using System.Text.Json;

namespace P2PSecurity.Server.Tests.EndToEnd;

/// <summary>
/// The GC settings the server runs with (its runtimeconfig.json): workstation GC, and conserve memory, which at a
/// million bans keeps the peak RSS near the live heap (docs/RELIABILITY.md, ban-flood, issue 13).
/// </summary>
public sealed class ServerRuntimeConfigTests
{
    [Fact]
    public void RuntimeConfig_Server_WorkstationGcThatConservesMemory()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "p2psecurity-server.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.Equal(5, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
    }
}
