using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening.Jobs;

/// <summary>A job as the dispatcher needs it: which job, and the choices every item is screened under.</summary>
public sealed record JobDispatch(long JobId, string? Site = null, bool Heatmap = false);

/// <summary>A job's counts as a dispatcher last saw them in the store.</summary>
public sealed record JobProgress(int Total, int Succeeded, int Failed)
{
    public int Done => Succeeded + Failed;
}

/// <summary>
/// The seam between a job and where its items run. Given the job's pending items, an implementation gets each one
/// screened and committed with its result in the job store, and returns once the job has no pending item. The
/// in-process dispatcher runs them here; the RabbitMQ one (TbScreen.Broker) publishes them to workers on any
/// number of machines and follows the store. Either way the store is the record: resuming, ordering the output
/// and counting are the same.
/// </summary>
public interface IItemDispatcher
{
    /// <summary>What the dispatcher is, for logs and the jobs page ("in-process, 4 at a time", "RabbitMQ queue ...").</summary>
    string Describe { get; }

    Task DispatchAsync(JobDispatch job, IReadOnlyList<BatchJobItemInfo> pending, IProgress<JobProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>
/// Today's default: the items run in this process, <c>parallelism</c> at a time, with the host's pipeline (its heatmap
/// setting wins over the job's). <paramref name="staged"/> is where <see cref="StoredItems"/> wait (upload jobs).
/// </summary>
public sealed class InProcessItemDispatcher(PersistentScreeningService screening, int parallelism, ContentStore? staged = null) : IItemDispatcher
{
    public string Describe => $"in-process, {parallelism} at a time";

    public async Task DispatchAsync(JobDispatch job, IReadOnlyList<BatchJobItemInfo> pending, IProgress<JobProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pending);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(pending, parallel, async (item, token) =>
        {
            // Never throws for bad files: they come back as a status code and are counted as failed items.
            // Files already screened by these models reuse the stored result.
            if (StoredItems.TryGetSha256(item.Path, out string sha))
            {
                var store = staged ?? throw new InvalidOperationException($"job {job.JobId} has items in the content store, and this dispatcher has none");
                await screening.ScreenStoredItemAsync(job.JobId, item.Path, store, sha, job.Site, token);
            }
            else
            {
                await screening.ScreenItemAsync(job.JobId, item.Path, job.Site, token);
            }
        });

        if (progress is not null && await screening.Store.GetJobAsync(job.JobId, cancellationToken) is { } done)
        {
            progress.Report(new JobProgress(done.Total, done.Succeeded, done.Failed));
        }
    }
}
