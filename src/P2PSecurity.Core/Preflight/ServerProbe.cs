using P2PSecurity.Core.Control;

namespace P2PSecurity.Core.Preflight;

/// <summary>Asks a running server for its status once, if one answers on the policy file's control socket.</summary>
internal sealed class ServerProbe(string envPath, TimeSpan timeout)
{
    private Task<ControlCallResult>? _call;

    public string SocketPath { get; } = ControlSocketPath.ForPolicyFile(envPath);

    public Task<ControlCallResult> CallAsync(CancellationToken cancellationToken) =>
        _call ??= new ControlClient(SocketPath, timeout).SendAsync(ControlRequest.Of(ControlProtocol.Requests.Status), cancellationToken);

    /// <summary>The running server's status, or null when none answers.</summary>
    public async Task<StatusInfo?> StatusAsync(CancellationToken cancellationToken)
    {
        var result = await CallAsync(cancellationToken).ConfigureAwait(false);
        return result.Response is { Ok: true } response ? response.Status : null;
    }
}
