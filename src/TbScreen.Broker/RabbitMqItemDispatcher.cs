using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using TbScreen.Inference.Stability;
using TbScreen.Screening;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;

namespace TbScreen.Broker;

/// <summary>
/// The distributed dispatcher: publishes a job's pending items to the queue of the job's model version, then
/// follows the job in the store (PostgreSQL, which every worker writes to) until no item is pending. Workers
/// finish items; a message that killed its workers is finished as processing-failed from the dead-letter queue,
/// so the job always completes. Warns when nobody consumes the queue, which is the usual reason a job stands still.
/// </summary>
public sealed class RabbitMqItemDispatcher(IConnection connection, IScreeningStore store, string modelVersion, ILogger logger) : IItemDispatcher
{
    /// <summary>How often the store is asked how far the job is.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a job may stand still with no worker on its queue before the warning (repeated as long as it lasts).</summary>
    public TimeSpan IdleWarning { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The profile that decides every item (the CLI's --site-profile), carried in each message; null lets the
    /// workers decide by the site rules and the profiles active in the database.
    /// </summary>
    public SiteProfile? SiteProfile { get; init; }

    /// <summary>The stability check every item gets (the CLI's --stability-check, the host's Screening:StabilityCheck); null or disabled: none.</summary>
    public StabilityOptions? Stability { get; init; }

    public string Describe => $"RabbitMQ queue {BrokerTopology.ItemsQueue(modelVersion)}";

    public async Task DispatchAsync(JobDispatch job, IReadOnlyList<BatchJobItemInfo> pending, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pending);
        await using (var publisher = await ItemPublisher.OpenAsync(connection, modelVersion, logger, cancellationToken))
        {
            await publisher.PublishAsync(pending.Select(item => new QueuedItem
            {
                JobId = job.JobId,
                ItemId = item.Id,
                ItemPath = item.Path,
                // An upload job's file waits in the content store: workers read it there (they need --store).
                Location = StoredItems.TryGetSha256(item.Path, out string sha) ? QueuedItem.ContentPrefix + sha : item.Path,
                // Under a fixed profile or a stability check the rows carry their marks, and a worker screens only
                // what it can mark so.
                ModelVersion = ScreeningPipeline.VersionFor(modelVersion, SiteProfile, Stability),
                Site = SiteProfile is null ? job.Site : null,
                SiteProfile = SiteProfile,
                Stability = Stability is { Enabled: true } ? Stability : null,
                Heatmap = job.Heatmap,
            }), cancellationToken);
            logger.LogInformation("Job {JobId}: {Count} items published to {Queue}", job.JobId, pending.Count, publisher.Queue);
        }

        int lastDone = -1;
        var lastChange = DateTime.UtcNow;
        while (true)
        {
            // A database restart while following is waited out, as the workers wait it out.
            var info = await StoreRetry.RunAsync(() => store.GetJobAsync(job.JobId, cancellationToken), logger, $"job {job.JobId}", cancellationToken)
                ?? throw new InvalidOperationException($"job {job.JobId} is no longer in the store");
            var now = new JobProgress(info.Total, info.Succeeded, info.Failed);
            if (now.Done != lastDone)
            {
                progress?.Report(now);
                lastDone = now.Done;
                lastChange = DateTime.UtcNow;
            }

            if (info.Pending <= 0)
            {
                return;
            }

            if (DateTime.UtcNow - lastChange > IdleWarning)
            {
                var stats = await QueueStats.ReadAsync(connection, modelVersion, cancellationToken);
                if (stats.Workers == 0)
                {
                    logger.LogWarning("Job {JobId}: {Pending} items wait in {Queue} and no worker consumes it (start `tbscreen worker` with the same models)",
                        job.JobId, info.Pending, stats.Queue);
                }

                lastChange = DateTime.UtcNow;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
