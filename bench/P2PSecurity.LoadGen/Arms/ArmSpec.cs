namespace P2PSecurity.LoadGen.Arms;

/// <summary>One side of a figure: a name for the report, the server it runs, and its folder (.env, identity, log).</summary>
internal sealed record ArmSpec(string Name, ArmKind Kind, string Folder)
{
    public string EnvFile => Path.Combine(Folder, ".env");

    public string IdentityFile => Path.Combine(Folder, "node_identity.pem");

    /// <summary>The kind as the <c>serve --kind</c> option spells it.</summary>
    public string KindOption => Kind switch
    {
        ArmKind.Node => "node",
        ArmKind.BareClose => "bare-close",
        _ => "bare-tls",
    };

    public static bool TryParseKind(string text, out ArmKind kind)
    {
        (var ok, kind) = text switch
        {
            "node" => (true, ArmKind.Node),
            "bare-close" => (true, ArmKind.BareClose),
            "bare-tls" => (true, ArmKind.BareTls),
            _ => (false, ArmKind.Node),
        };
        return ok;
    }

    /// <summary>Starts the arm: in a child process of its own when <paramref name="isolated"/>, else in this one.</summary>
    public async Task<IArm> StartAsync(bool isolated, CancellationToken ct) => isolated
        ? await ChildProcessArm.StartAsync(this, ct).ConfigureAwait(false)
        : await LocalArm.StartAsync(this, ct).ConfigureAwait(false);

    /// <summary>Starts the server in this process.</summary>
    public async Task<IBenchServer> StartServerAsync(bool ownsProcess, CancellationToken ct) => Kind switch
    {
        ArmKind.Node => await NodeBenchServer.StartAsync(EnvFile, ownsProcess, ct).ConfigureAwait(false),
        ArmKind.BareClose => await BareCloseServer.StartAsync().ConfigureAwait(false),
        _ => await BareTlsServer.StartAsync(IdentityFile).ConfigureAwait(false),
    };
}
