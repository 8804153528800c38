using System.Runtime.Versioning;
using System.Security.Cryptography;
using P2PSecurity.Core.Editing;
using P2PSecurity.Core.Policy;

namespace P2PSecurity.Core.Tests.Editing;

[SupportedOSPlatform("linux")]
public sealed class PolicyFileEditorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Sample = "# trusted peers\r\nALLOWED_NODE_KEYS=\"\r\n  {A}\r\n\"\r\n\r\nSOMETHING_ELSE=keep # unknown\r\nBLOCKED_IP_ADDRESSES=10.0.0.0/8, 192.0.2.1\r\n";

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Add_RealFile_KeepsBytesModeAndParsesWithBothParsers()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        var a = NewKey();
        var b = NewKey();
        File.WriteAllText(path, Sample.Replace("{A}", a, StringComparison.Ordinal));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var result = new PolicyFileEditor(path).Add(PolicyList.AllowedNodeKeys, b.ToUpperInvariant(), cancellationToken: Ct);

        Assert.Equal(EditOutcome.Added, result.Outcome);
        Assert.True(result.Written);
        var text = File.ReadAllText(path);
        Assert.Equal(Sample.Replace("{A}", a + "\r\n  " + b, StringComparison.Ordinal), text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Equal(2, PolicyLoader.Load(text, path).Policy!.AllowedNodeKeys.Count);
        var dotnetEnv = DotNetEnv.Env.LoadContents(text, DotNetEnv.Env.NoEnvVars()).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal($"\r\n  {a}\r\n  {b}\r\n", dotnetEnv["ALLOWED_NODE_KEYS"]);
        Assert.Equal("keep", dotnetEnv["SOMETHING_ELSE"]);
        Assert.Equal([".env", ".env.lock"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Add_Twice_SecondIsANoOpThatLeavesTheFileUntouched()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        var key = NewKey();
        var editor = new PolicyFileEditor(path);
        editor.Add(PolicyList.AllowedNodeKeys, key, cancellationToken: Ct);
        var before = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);

        var again = editor.Add(PolicyList.AllowedNodeKeys, key, cancellationToken: Ct);

        Assert.Equal(EditOutcome.AlreadyPresent, again.Outcome);
        Assert.False(again.Written);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(before, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Add_MissingFile_CreatesItOwnerOnly()
    {
        using var dir = new TempFolder();
        var path = dir.File("policy.env");

        new PolicyFileEditor(path).Block("203.0.113.9", cancellationToken: Ct);

        Assert.Equal("BLOCKED_IP_ADDRESSES=203.0.113.9\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("")]
    public void Add_MalformedKey_IsRefusedAndTheFileIsUntouched(string input)
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "PORT=1\n");

        var ex = Assert.Throws<PolicyEditException>(() => new PolicyFileEditor(path).Add(PolicyList.AllowedNodeKeys, input, cancellationToken: Ct));

        Assert.Equal(PolicyEditFailure.InvalidEntry, ex.Failure);
        Assert.StartsWith($"'{input}' is not a valid node key: a node key is 64 hex digits", ex.Message, StringComparison.Ordinal);
        Assert.Equal("PORT=1\n", File.ReadAllText(path));
    }

    [Fact]
    public void Remove_LastAllowedKey_IsRefusedAndTheFileIsUntouched()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        var key = NewKey();
        File.WriteAllText(path, $"# only one trusted peer\nALLOWED_NODE_KEYS={key}\n");
        var bytes = File.ReadAllBytes(path);
        var stamp = File.GetLastWriteTimeUtc(path);

        var ex = Assert.Throws<PolicyEditException>(() => new PolicyFileEditor(path).Remove(PolicyList.AllowedNodeKeys, key, Ct));

        Assert.Equal(PolicyEditFailure.WouldOpenNetwork, ex.Failure);
        Assert.Contains("would open the node to any authenticated node", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"manage_trusted_nodes remove {key} --open-network", ex.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Remove_LastAllowedKeyOnPurpose_RemovesItAndWarnsTheNodeIsOpen()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        var key = NewKey();
        File.WriteAllText(path, $"ALLOWED_NODE_KEYS={key}\n");

        var result = new PolicyFileEditor(path).Remove(PolicyList.AllowedNodeKeys, key, openNetwork: true, Ct);

        Assert.Equal(EditOutcome.Removed, result.Outcome);
        Assert.False(result.Policy.WhitelistMode);
        Assert.Contains(result.Warnings, w => w.Contains("whitelist mode is off, and any authenticated node is admitted", StringComparison.Ordinal));
    }

    [Fact]
    public void Remove_OneOfTwoAllowedKeys_NeedsNoOpenNetwork()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        var (a, b) = (NewKey(), NewKey());
        File.WriteAllText(path, $"ALLOWED_NODE_KEYS={a},{b}\n");

        var result = new PolicyFileEditor(path).Remove(PolicyList.AllowedNodeKeys, a, Ct);

        Assert.Equal(EditOutcome.Removed, result.Outcome);
        Assert.True(result.Policy.WhitelistMode);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Block_CidrWithHostBits_IsRefusedWithBothReadings()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "# untouched\n");

        var ex = Assert.Throws<PolicyEditException>(() => new PolicyFileEditor(path).Block("10.1.2.3/8", cancellationToken: Ct));

        Assert.Equal(PolicyEditFailure.InvalidEntry, ex.Failure);
        Assert.Contains("did you mean 10.0.0.0/8 or 10.1.2.3/32?", ex.Message, StringComparison.Ordinal);
        Assert.Equal("# untouched\n", File.ReadAllText(path));
    }

    [Fact]
    public void Block_NeitherKeyNorAddress_SaysBothForms()
    {
        using var dir = new TempFolder();

        var ex = Assert.Throws<PolicyEditException>(() => new PolicyFileEditor(dir.File(".env")).Block("10.0.0.0/40", cancellationToken: Ct));

        Assert.Equal("'10.0.0.0/40' is neither a node key nor an IP address or CIDR: is not a valid CIDR (IPv4 prefix is 0-32); or, as a node key: " +
                     "a node key is 64 hex digits (0-9, a-f), found '.'", ex.Message);
        Assert.False(File.Exists(dir.File(".env")));
    }

    [Fact]
    public void Add_FileAlreadyInvalid_IsRefusedWithItsErrorsAndNothingWritten()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "# x\nMAX_CONNECTIONS_PER_IP=lots\n");

        var ex = Assert.Throws<PolicyEditException>(() => new PolicyFileEditor(path).Add(PolicyList.AllowedNodeKeys, NewKey(), cancellationToken: Ct));

        Assert.Equal(PolicyEditFailure.InvalidPolicy, ex.Failure);
        Assert.Contains("has errors; fix them first (nothing was written)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MAX_CONNECTIONS_PER_IP line 2: 'lots' is not a whole number", ex.Message, StringComparison.Ordinal);
        Assert.Equal("# x\nMAX_CONNECTIONS_PER_IP=lots\n", File.ReadAllText(path));
    }

    [Fact]
    public void Block_Loopback_WarnsAboutTheLockOut()
    {
        using var dir = new TempFolder();

        var result = new PolicyFileEditor(dir.File(".env")).Block("127.0.0.0/8", cancellationToken: Ct);

        Assert.Contains(result.Warnings, w => w.Contains("blocks 127.0.0.1, the loopback address", StringComparison.Ordinal));
    }

    [Fact]
    public void Block_AllowedKey_WarnsBothAllowedAndBlocked()
    {
        using var dir = new TempFolder();
        var key = NewKey();
        var editor = new PolicyFileEditor(dir.File(".env"));
        editor.Add(PolicyList.AllowedNodeKeys, key, cancellationToken: Ct);

        var result = editor.Block(key, cancellationToken: Ct);

        Assert.Equal(PolicyList.BlockedNodeKeys, result.List);
        Assert.Equal([$"node {key} is both allowed and blocked; the block wins"], result.Warnings);
    }

    [Fact]
    public void Edit_WhileAnotherHoldsTheLock_WaitsThenTimesOutWithAClearMessage()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        using var held = EnvFileLock.Acquire(path, TimeSpan.FromSeconds(1), Ct);

        var ex = Assert.Throws<PolicyEditException>(() => new PolicyFileEditor(path, TimeSpan.FromMilliseconds(150)).Add(PolicyList.AllowedNodeKeys, NewKey(), cancellationToken: Ct));

        Assert.Equal(PolicyEditFailure.Io, ex.Failure);
        Assert.Contains("holds " + path + ".lock", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Add_ConcurrentEditorsInOneProcess_LoseNoKey()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(path, "# header\nALLOWED_NODE_KEYS=\n# footer\n");
        var keys = Enumerable.Range(0, 24).Select(_ => NewKey()).ToList();

        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, key => new PolicyFileEditor(path).Add(PolicyList.AllowedNodeKeys, key, cancellationToken: Ct));

        var text = File.ReadAllText(path);
        var policy = PolicyLoader.Load(text, path).Policy!;
        Assert.Equal(keys.Select(NodeKey.Parse).ToHashSet(), policy.AllowedNodeKeys.ToHashSet());
        Assert.StartsWith("# header\nALLOWED_NODE_KEYS=", text, StringComparison.Ordinal);
        Assert.EndsWith("\n# footer\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_StaleTemporaryFromAKilledWriter_IsCleanedUnderTheLock()
    {
        using var dir = new TempFolder();
        var path = dir.File(".env");
        File.WriteAllText(dir.File(".env.tmp-999999-deadbeef"), "half written");

        new PolicyFileEditor(path).Add(PolicyList.AllowedNodeKeys, NewKey(), cancellationToken: Ct);

        Assert.Equal([".env", ".env.lock"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Edit_SymbolicLink_ReplacesTheTargetAndKeepsTheLink()
    {
        using var dir = new TempFolder();
        var target = dir.File("real.env");
        File.WriteAllText(target, "PORT=1\n");
        var link = dir.File(".env");
        File.CreateSymbolicLink(link, target);

        new PolicyFileEditor(link).Block("192.0.2.0/24", cancellationToken: Ct);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("PORT=1\nBLOCKED_IP_ADDRESSES=192.0.2.0/24\n", File.ReadAllText(target));
    }
}
