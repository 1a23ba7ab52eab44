using Microsoft.Extensions.Logging;

namespace TbScreen.Screening.Storage;

/// <summary>The purge at start and then every interval, for every host (web, DICOM node); a failed run is logged and retried next time.</summary>
public static class RetentionLoop
{
    public static async Task RunAsync(RetentionPurger purger, RetentionOptions options, ILogger logger, CancellationToken stopping, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(purger);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (!options.Enabled)
        {
            logger.LogWarning("Retention is off: source images are kept until deleted by hand");
            return;
        }

        var time = clock ?? TimeProvider.System;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await purger.PurgeAsync(options.SourceImageDays, time.GetUtcNow().UtcDateTime, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Retention purge failed; it runs again in {Interval}", options.Interval);
            }

            try
            {
                await Task.Delay(options.Interval, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
