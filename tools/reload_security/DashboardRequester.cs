using P2PSecurity.Core.Control;

namespace P2PSecurity.Tools.ReloadSecurity;

/// <summary>Asks the running server for a one-time dashboard login URL, or sets the dashboard's password.</summary>
internal sealed class DashboardRequester(ToolContext context)
{
    public async Task<int> UrlAsync(CancellationToken cancellationToken)
    {
        var response = await ServerCall.RequireAsync(context, ControlRequest.Of(ControlProtocol.Requests.DashboardUrl), cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var info = response.Dashboard!;
        context.Out.WriteLine(info.Url);
        context.Err.WriteLine($"works once, until {ReloadText.Time(info.ExpiresAt!.Value)}");
        return ExitCodes.Success;
    }

    public async Task<int> PasswordAsync(PasswordReader reader, CancellationToken cancellationToken)
    {
        var password = reader.Read();
        var request = new ControlRequest { Type = ControlProtocol.Requests.DashboardPassword, Password = password };
        var response = await ServerCall.RequireAsync(context, request, cancellationToken);
        if (context.Json)
        {
            context.WriteJson(response, j => j.ControlResponse);
            return ExitCodes.Success;
        }
        var info = response.Dashboard!;
        context.Out.WriteLine($"dashboard password set: the login page now asks for it instead of the token (the token still works for Authorization: Bearer)");
        context.Out.WriteLine($"  kept as a salted hash ({info.Hash}) in {info.PasswordFile}; delete that file to log in with the token again");
        return ExitCodes.Success;
    }
}
