using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using P2PSecurity.Core.Metrics;
using P2PSecurity.Core.Policy;
using P2PSecurity.Core.Security;

namespace P2PSecurity.Server.Web;

/// <summary>
/// <c>/metrics</c> in the Prometheus text format on its own listener (METRICS_ADDRESS), apart from the dashboard
/// so that a scraper needs no login and the dashboard's port can stay closed to it. The OpenTelemetry exporter
/// reads Core's <see cref="SecurityMetrics"/> meter through a MeterListener; nothing in Core knows it exists.
/// </summary>
internal sealed class MetricsListenerService(WebListenAddress address, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where /metrics is served, once started.</summary>
    public Uri? Url { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(WebListenerBinding.EndPoint(address));
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("p2psecurity-server", serviceInstanceId: Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .WithMetrics(m => m
            .AddMeter(SecurityMetrics.MeterName)
            .AddPrometheusExporter(o =>
            {
                // Fresh on every scrape: a test or an operator reading right after a change sees it.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.DisableTotalNameSuffixForCounters = false;
            }));
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        _app = app;
        Url = await WebListenerBinding.StartAsync(app, PolicyKeys.MetricsAddress, address.ToString(), cancellationToken).ConfigureAwait(false);
        WebLog.MetricsListening(loggerFactory.CreateLogger<MetricsListenerService>(), new Uri(Url, "/metrics").ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
