using P2PSecurity.Core.Control;
using P2PSecurity.Tools.Output;

namespace P2PSecurity.Tools;

/// <summary>Asks the running server, turning "no server" and error replies into the tools' exit codes.</summary>
public static class ServerCall
{
    /// <summary>For commands that need the server: no answer is <see cref="ExitCodes.ServerNotReachable"/>, an error reply <see cref="ExitCodes.ServerError"/>.</summary>
    public static async Task<ControlResponse> RequireAsync(ToolContext context, ControlRequest request, CancellationToken cancellationToken)
    {
        var result = await context.Client().SendAsync(request, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return result.Status switch
        {
            ControlCallStatus.Answered when result.Response!.Ok => result.Response,
            ControlCallStatus.Answered when IsPermissionDenied(result.Response) => throw new ToolException(ExitCodes.ServerNotReachable,
                $"server not reachable: {result.Response.Error!.Message}"),
            ControlCallStatus.Answered => throw new ToolException(ExitCodes.ServerError,
                $"the server refused the request: {result.Response!.Error?.Code}: {result.Response.Error?.Message}"),
            ControlCallStatus.NotRunning => throw new ToolException(ExitCodes.ServerNotReachable,
                $"server not reachable: {result.Problem}. Is p2psecurity-server running with {context.EnvFile}?"),
            _ => throw new ToolException(ExitCodes.ServerNotReachable, $"server not reachable: {result.Problem}"),
        };
    }

    /// <summary>
    /// After an edit: asks the server, if one runs, to reload and waits for the answer, so that when the command
    /// returns the change is in force. No server is not an error; the file is read when the server starts.
    /// <paramref name="writtenSha256"/> (the bytes the edit wrote) lets the server answer with the reload that applied
    /// them when its poll was first.
    /// </summary>
    public static async Task<ServerReloadOutput> ReloadIfRunningAsync(ToolContext context, string? writtenSha256, CancellationToken cancellationToken)
    {
        var request = new ControlRequest { Type = ControlProtocol.Requests.Reload, WrittenSha256 = writtenSha256 };
        var result = await context.Client().SendAsync(request, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return result.Status switch
        {
            ControlCallStatus.Answered when result.Response!.Ok => new ServerReloadOutput
            {
                Status = result.Response.Reload!.Succeeded ? ServerReloadOutput.Reloaded : ServerReloadOutput.Refused,
                Reload = result.Response.Reload,
            },
            ControlCallStatus.Answered when IsPermissionDenied(result.Response!) => new ServerReloadOutput
            {
                Status = ServerReloadOutput.Unreachable,
                Problem = result.Response!.Error!.Message,
            },
            ControlCallStatus.Answered => new ServerReloadOutput
            {
                Status = ServerReloadOutput.Error,
                Problem = $"{result.Response!.Error?.Code}: {result.Response.Error?.Message}",
            },
            ControlCallStatus.NotRunning => new ServerReloadOutput { Status = ServerReloadOutput.NotRunning, Problem = result.Problem },
            _ => new ServerReloadOutput { Status = ServerReloadOutput.Unreachable, Problem = result.Problem },
        };
    }

    /// <summary>The server refused this user (SO_PEERCRED): for the tools that is "not reachable", as a socket mode refusal is.</summary>
    private static bool IsPermissionDenied(ControlResponse response) =>
        response.Error?.Code == ControlProtocol.ErrorCodes.PermissionDenied;
}
