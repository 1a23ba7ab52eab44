using Microsoft.Extensions.Options;
using TbScreen.Screening.Storage;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Hosting;

/// <summary>Runs the retention purge (TbScreen:Retention) at start and then every interval; a failed run is logged and retried next time.</summary>
internal sealed class RetentionService(RetentionPurger purger, IOptions<TbScreenOptions> options, ILogger<RetentionService> logger, TimeProvider? clock = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Retention;
        if (!retention.Enabled)
        {
            logger.LogWarning("Retention is off (TbScreen:Retention:Enabled false): source images are kept until deleted by hand");
            return;
        }

        var time = clock ?? TimeProvider.System;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await purger.PurgeAsync(retention.SourceImageDays, time.GetUtcNow().UtcDateTime, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Retention purge failed; it runs again in {Interval}", retention.Interval);
            }

            try
            {
                await Task.Delay(retention.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
