using Microsoft.Extensions.Options;
using TbScreen.Screening.Storage;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Hosting;

/// <summary>Runs the retention purge (TbScreen:Retention) in the web host.</summary>
internal sealed class RetentionService(RetentionPurger purger, IOptions<TbScreenOptions> options, ILogger<RetentionService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RetentionLoop.RunAsync(purger, options.Value.Retention, logger, stoppingToken);
}
