using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using P2PSecurity.Server.Hosting;

namespace P2PSecurity.Server.Web;

/// <summary>Starting a Kestrel application and turning a failed bind into a startup error that names the setting.</summary>
internal static class WebListenerBinding
{
    /// <summary>Starts <paramref name="app"/>; an address in use or not available becomes a <see cref="StartupException"/>.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, string setting, string address, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (FindSocketError(ex) is { } socket)
        {
            throw new StartupException($"{setting}={address}: cannot listen there ({socket.Message}); choose another address, or {setting}=off", ex);
        }
        catch (IOException ex)
        {
            throw new StartupException($"{setting}={address}: cannot listen there ({ex.Message}); choose another address, or {setting}=off", ex);
        }
        var bound = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            : null;
        return new Uri(bound ?? "http://" + address);
    }

    public static IPEndPoint EndPoint(Core.Policy.WebListenAddress address) => new(address.Address, address.Port);

    private static SocketException? FindSocketError(Exception ex) => ex switch
    {
        SocketException s => s,
        _ when ex.InnerException is not null => FindSocketError(ex.InnerException),
        _ => null,
    };
}
