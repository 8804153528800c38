using System.Diagnostics;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using P2PSecurity.Core.Control;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools.Tests;

[SupportedOSPlatform("linux")]
public sealed class ManageTrustedNodesTests(ITestOutputHelper log)
{
    private const string Tool = "manage_trusted_nodes";

    /// <summary>Enough processes at once to contend for the edit lock; more would only slow a 2-core machine down.</summary>
    private const int Parallelism = 10;

    [Fact]
    public async Task AddRemoveBlock_RunningServer_EachChangeIsInForceWhenTheCommandReturns()
    {
        var first = LiveServer.NewKey();
        var second = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"# whitelist\nALLOWED_NODE_KEYS={first}\n");
        Assert.Equal(DenyReason.NodeNotAllowed, server.TryConnect("127.0.0.2", second).Reason);

        var add = await RunAsync(server.Folder, "add", second.ToUpperInvariant());
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains((IEnumerable<NodeKey>)server.Manager.Policy.AllowedNodeKeys, k => k == NodeKey.Parse(second));
        Assert.True(server.TryConnect("127.0.0.2", second).Allowed);
        Assert.Contains("server: reloaded: revision 2 in force", add.Out, StringComparison.Ordinal);

        var remove = await RunAsync(server.Folder, "remove", second);
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Equal(DenyReason.NodeNotAllowed, server.TryConnect("127.0.0.2", second).Reason);

        var block = await RunAsync(server.Folder, "block", "127.0.0.3");
        Assert.True(block.ExitCode == 0, block.ToString());
        Assert.Equal(DenyReason.IpBlocked, server.TryConnect("127.0.0.3", first).Reason);
        Assert.Equal(4, server.Manager.Policy.Revision);
    }

    [Fact]
    public async Task Remove_LastAllowedKey_Exits65FileUntouchedUntilOpenNetworkOpensItOnPurpose()
    {
        var only = LiveServer.NewKey();
        var stranger = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"# the one trusted peer\nALLOWED_NODE_KEYS={only}\n");
        var before = File.ReadAllBytes(server.EnvPath);

        var refused = await RunAsync(server.Folder, "remove", only);
        var refusedJson = await RunAsync(server.Folder, "remove", only, "--json");

        Assert.True(refused.ExitCode == 65, refused.ToString());
        Assert.Contains("removing it turns whitelist mode off and would open the node to any authenticated node", refused.Err, StringComparison.Ordinal);
        Assert.Contains($"manage_trusted_nodes remove {only} --open-network", refused.Err, StringComparison.Ordinal);
        Assert.Equal(65, JsonSerializer.Deserialize(refusedJson.Out, ToolJson.Context.ErrorOutput)!.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(server.EnvPath));
        Assert.Equal(1, server.Manager.Policy.Revision);
        Assert.Equal(DenyReason.NodeNotAllowed, server.TryConnect("127.0.0.2", stranger).Reason);

        var opened = await RunAsync(server.Folder, "remove", only, "--open-network");

        Assert.True(opened.ExitCode == 0, opened.ToString());
        Assert.Contains($"removed {only} from ALLOWED_NODE_KEYS", opened.Out, StringComparison.Ordinal);
        Assert.Contains("warning: ALLOWED_NODE_KEYS is now empty: whitelist mode is off, and any authenticated node is admitted (--open-network)", opened.Err, StringComparison.Ordinal);
        Assert.Contains("  warning: mode: whitelist (1 allowed keys) -> open (any authenticated node)", opened.Out, StringComparison.Ordinal);
        Assert.False(server.Manager.Policy.WhitelistMode);
        Assert.True(server.TryConnect("127.0.0.2", stranger).Allowed);
    }

    [Fact]
    public async Task Block_CidrWithHostBits_Exits64WithBothReadingsAndTheFileUntouched()
    {
        using var folder = new TempFolder("BLOCKED_IP_ADDRESSES=192.0.2.0/24\n");

        var v4 = await RunAsync(folder, "block", "10.1.2.3/8");
        var v6 = await RunAsync(folder, "block", "2001:db8::5/64");

        Assert.True(v4.ExitCode == 64, v4.ToString());
        Assert.Contains("'10.1.2.3/8' is neither a node key nor an IP address or CIDR: has host bits set below its /8 prefix: did you mean 10.0.0.0/8 or 10.1.2.3/32?", v4.Err, StringComparison.Ordinal);
        Assert.True(v6.ExitCode == 64, v6.ToString());
        Assert.Contains("did you mean 2001:db8::/64 or 2001:db8::5/128?", v6.Err, StringComparison.Ordinal);
        Assert.Equal("BLOCKED_IP_ADDRESSES=192.0.2.0/24\n", File.ReadAllText(folder.EnvPath));
    }

    [Fact]
    public async Task Add_AlreadyPresent_IsANoOpThatSaysSoAndExitsZero()
    {
        var key = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"ALLOWED_NODE_KEYS={key}\n");
        var before = File.ReadAllBytes(server.EnvPath);

        var again = await RunAsync(server.Folder, "add", "sha256:" + key, "--json");

        Assert.True(again.ExitCode == 0, again.ToString());
        var output = JsonSerializer.Deserialize(again.Out, ToolJson.Context.EditOutput)!;
        Assert.Equal(("already_present", false, "reloaded"), (output.Outcome, output.Written, output.Server.Status));
        Assert.Equal(before, File.ReadAllBytes(server.EnvPath));
    }

    [Fact]
    public async Task Add_FiftyConcurrentProcesses_LeaveFiftyKeysAndAParseableFile()
    {
        const string Header = "# trusted nodes, one per line\r\nALLOWED_NODE_KEYS=\"\r\n\"\r\n# do not remove this line\r\n";
        await using var server = await LiveServer.StartAsync(Header);
        var keys = Enumerable.Range(0, 50).Select(_ => LiveServer.NewKey()).ToList();
        var clock = Stopwatch.StartNew();

        var results = new List<ToolResult>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (key, _) =>
        {
            var result = await RunAsync(server.Folder, "add", key);
            lock (results)
            {
                results.Add(result);
            }
        });
        log.WriteLine($"50 add processes ({Parallelism} at a time) took {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var text = File.ReadAllText(server.EnvPath);
        var policy = PolicyLoader.Load(text, server.EnvPath).Policy!;
        Assert.Equal(keys.Select(NodeKey.Parse).ToHashSet(), policy.AllowedNodeKeys.ToHashSet());
        Assert.Equal(keys.Select(NodeKey.Parse).ToHashSet(), server.Manager.Policy.AllowedNodeKeys.ToHashSet());
        Assert.StartsWith("# trusted nodes, one per line\r\nALLOWED_NODE_KEYS=\"\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\"\r\n# do not remove this line\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edits_KeepCommentsOrderQuotingAndUnknownKeysByteForByte()
    {
        var a = LiveServer.NewKey();
        var b = LiveServer.NewKey();
        var original =
            "# P2P policy  (hand written)\n\n" +
            "ENABLE_P2P_SECURITY=true   # keep on\n" +
            "SOME_FUTURE_KEY='unknown, kept'\n" +
            $"ALLOWED_NODE_KEYS='{a}'\n\n" +
            "# blocked ranges\n" +
            "BLOCKED_IP_ADDRESSES=\"\n    192.0.2.0/24\n\"\n" +
            "MAX_CONNECTIONS_PER_IP=3";
        using var folder = new TempFolder(original);

        var add = await RunAsync(folder, "add", b);
        var block = await RunAsync(folder, "block", "198.51.100.7");

        Assert.True(add.ExitCode == 0 && block.ExitCode == 0, add + "\n" + block);
        var expected = original
            .Replace($"'{a}'", $"'{a},{b}'", StringComparison.Ordinal)
            .Replace("    192.0.2.0/24\n", "    192.0.2.0/24\n    198.51.100.7\n", StringComparison.Ordinal);
        Assert.Equal(expected, File.ReadAllText(folder.EnvPath));

        Assert.Equal(0, (await RunAsync(folder, "unblock", "198.51.100.7")).ExitCode);
        Assert.Equal(0, (await RunAsync(folder, "remove", b)).ExitCode);
        Assert.Equal(original, File.ReadAllText(folder.EnvPath));
    }

    [Fact]
    public async Task Add_NoServer_SaysSoExitsZeroAndTheFileIsChanged()
    {
        using var folder = new TempFolder("PORT_NOTE=1\n");
        var key = LiveServer.NewKey();

        var add = await RunAsync(folder, "add", key, "--label", "lab node");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains($"server: not running (no control socket at {folder.SocketPath}); the file is read when it starts", add.Out, StringComparison.Ordinal);
        Assert.Equal($"PORT_NOTE=1\n# label {key}: lab node\nALLOWED_NODE_KEYS={key}\n", File.ReadAllText(folder.EnvPath));
    }

    [Theory]
    [InlineData("add", "0123", 64, "'0123' is not a valid node key: a node key is 64 hex digits (SHA-256), found 4")]
    [InlineData("block", "300.1.2.3", 64, "'300.1.2.3' is neither a node key nor an IP address or CIDR")]
    [InlineData("frobnicate", "x", 64, "Unrecognized command or argument 'frobnicate'")]
    public async Task BadInput_IsRefusedWithAClearMessageAndTheFileUntouched(string verb, string argument, int code, string message)
    {
        using var folder = new TempFolder("# untouched\n");

        var run = await RunAsync(folder, verb, argument);

        Assert.True(run.ExitCode == code, run.ToString());
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err, StringComparison.Ordinal);
        Assert.Equal("# untouched\n", File.ReadAllText(folder.EnvPath));
    }

    [Fact]
    public async Task Add_EditWouldLeaveAnInvalidFile_Exit1AndNothingWritten()
    {
        using var folder = new TempFolder("MAX_CONNECTIONS_PER_IP=many\n");

        var run = await RunAsync(folder, "add", LiveServer.NewKey());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("MAX_CONNECTIONS_PER_IP line 1: 'many' is not a whole number from 1 to 100000", run.Err, StringComparison.Ordinal);
        Assert.Equal("MAX_CONNECTIONS_PER_IP=many\n", File.ReadAllText(folder.EnvPath));
    }

    [Fact]
    public async Task Pending_ListsANodeRefusedAtTheNodeGate()
    {
        var stranger = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"ALLOWED_NODE_KEYS={LiveServer.NewKey()}\n");
        Assert.Equal(DenyReason.NodeNotAllowed, server.TryConnect("127.0.0.7", stranger).Reason);

        var pending = await RunAsync(server.Folder, "pending");

        Assert.True(pending.ExitCode == 0, pending.ToString());
        Assert.Contains($"  {stranger}  from 127.0.0.7, 1 attempt, last ", pending.Out, StringComparison.Ordinal);
        Assert.Contains("node_not_allowed (still refused: node_not_allowed)", pending.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_OneAddressMintsMoreKeysThanTheListHolds_ANodeWaitingFromAnotherAddressStaysListed()
    {
        var waiting = LiveServer.NewKey();
        await using var server = await LiveServer.StartAsync($"ALLOWED_NODE_KEYS={LiveServer.NewKey()}\nCONNECTION_RATE_LIMIT=100000/min\n");
        Assert.Equal(DenyReason.NodeNotAllowed, server.TryConnect("127.0.0.7", waiting).Reason);
        // More fresh keys from one address than the whole list holds (256): without a bound per address they would
        // push the waiting node out.
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(DenyReason.NodeNotAllowed, server.TryConnect("127.0.0.8", LiveServer.NewKey()).Reason);
        }

        var pending = await RunAsync(server.Folder, "pending");

        Assert.True(pending.ExitCode == 0, pending.ToString());
        Assert.Contains($"  {waiting}  from 127.0.0.7, 1 attempt, last ", pending.Out, StringComparison.Ordinal);
        Assert.Equal(RecentNodeRefusals.DefaultPerPrefix, pending.Out.Split('\n').Count(l => l.Contains("  from 127.0.0.8, ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Keygen_CreatesAnOwnerOnlyIdentityWhoseKeyIsPrintedAndNeverOverwrites()
    {
        using var folder = new TempFolder();
        var path = folder.File("node.pem");

        var created = await RunAsync(folder, "keygen", path, "--json");
        var again = await RunAsync(folder, "keygen", path);

        Assert.True(created.ExitCode == 0, created.ToString());
        var output = JsonSerializer.Deserialize(created.Out, ToolJson.Context.KeygenOutput)!;
        using var certificate = X509Certificate2.CreateFromPemFile(path);
        Assert.Equal(NodeKey.FromSubjectPublicKeyInfo(certificate.PublicKey.ExportSubjectPublicKeyInfo()).ToString(), output.NodeKey);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(74, again.ExitCode);
        Assert.Contains("exists; keygen never overwrites an identity", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_KilledAtRandomMoments_LeavesTheOldOrTheNewFileAndNoLock()
    {
        var start = LiveServer.NewKey();
        using var folder = new TempFolder($"# keep\nALLOWED_NODE_KEYS={start}\n");
        for (var i = 0; i < 6; i++)
        {
            using var run = ToolProcess.Start(Tool, folder.Path, "add", LiveServer.NewKey(), "--env-file", folder.EnvPath);
            await Task.Delay(Random.Shared.Next(60, 400), TestContext.Current.CancellationToken);
            run.Crash();
            await run.WaitForExitAsync(TimeSpan.FromSeconds(10));

            var policy = PolicyLoader.Load(File.ReadAllText(folder.EnvPath), folder.EnvPath).Policy;
            Assert.NotNull(policy);
            Assert.Contains((IEnumerable<NodeKey>)policy.AllowedNodeKeys, k => k == NodeKey.Parse(start));
        }

        var after = await RunAsync(folder, "add", LiveServer.NewKey());
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal([".env", ".env.lock"], Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static Task<ToolResult> RunAsync(TempFolder folder, params string[] args) =>
        ToolProcess.RunAsync(Tool, folder.Path, [.. args, "--env-file", folder.EnvPath]);
}
