using TbScreen.Screening;
using TbScreen.Screening.Jobs;
using Microsoft.Extensions.Options;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Api;

namespace TbScreen.Web.Jobs;

/// <summary>
/// Runs queued folder jobs one after another; the <see cref="IItemDispatcher"/> screens their items here
/// (<see cref="JobOptions.Parallelism"/> at a time) or on queue workers when TbScreen:Broker is set.
/// Every item is committed with its result in one store transaction, so a job cut short by a restart keeps what
/// it finished, and re-running it (same job id) only screens the pending items.
/// </summary>
internal sealed class FolderJobWorker(
    JobQueue queue,
    PersistentScreeningService screening,
    UnfinishedJobs unfinished,
    JobFolderPolicy policy,
    IItemDispatcher dispatcher,
    JobCancellation cancellation,
    RetentionPurger retention,
    IOptions<PersistenceOptions> persistence,
    ILogger<FolderJobWorker> logger) : BackgroundService
{
    private IScreeningStore Store => screening.Store;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resume what the last run of the host left behind (finished items are not screened again).
        foreach (long jobId in await unfinished.FindAsync(stoppingToken))
        {
            logger.LogInformation("Resuming job {JobId}", jobId);
            queue.Enqueue(jobId);
        }

        await foreach (long jobId in queue.ReadAllAsync(stoppingToken))
        {
            using var run = cancellation.Begin(jobId, stoppingToken);
            try
            {
                // A database outage (restart, failover) is waited out with back-off and the job resumed, not cancelled:
                // items committed before it keep their results, and re-running the job only screens the pending ones.
                await StoreRetry.RunAsync(async () =>
                {
                    await RunAsync(jobId, run.Token);
                    return true;
                }, logger, $"job {jobId}", run.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping: the job stays "running" with its pending items, ready to be resumed.
                return;
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested)
            {
                // A user cancelled it (the endpoint marked it cancelled and audited who; marked again in case the run
                // had just set it running): finished items stay.
                logger.LogInformation("Job {JobId} cancelled", jobId);
                await Store.SetJobStateAsync(jobId, BatchJobStates.Cancelled, CancellationToken.None);
                await DiscardUploadsAsync(jobId, FolderJobRequest.FromJson((await Store.GetJobAsync(jobId, CancellationToken.None))?.OptionsJson));
            }
            catch (Exception e)
            {
                // A job-level failure (folder gone, database down); per-file failures never get here.
                logger.LogError(e, "Job {JobId} stopped", jobId);
                await StopAsync(jobId, e.Message);
            }
            finally
            {
                cancellation.End(jobId);
            }
        }
    }

    /// <summary>Marks the job cancelled; never throws, because an exception escaping the worker stops the host.</summary>
    private async Task StopAsync(long jobId, string reason)
    {
        try
        {
            await Store.SetJobStateAsync(jobId, BatchJobStates.Cancelled, CancellationToken.None);
            await Store.RecordAsync(ApiActors.System, AuditActions.JobStopped, $"job/{jobId}", reason, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} could not be marked cancelled", jobId);
        }
    }

    private async Task RunAsync(long jobId, CancellationToken cancellationToken)
    {
        var job = await Store.GetJobAsync(jobId, cancellationToken);
        if (job is null || job.State == BatchJobStates.Cancelled)
        {
            await DiscardUploadsAsync(jobId, job is null ? null : FolderJobRequest.FromJson(job.OptionsJson)); // cancelled while it waited
            return;
        }

        var request = FolderJobRequest.FromJson(job.OptionsJson) ?? new FolderJobRequest(job.Inputs[0], Recursive: true);
        // Judged again at run time: a job resumed after the allow-list changed must obey the new one.
        if (!request.IsStoredUpload && policy.Judge(request.Folder, out _) is var verdict and not JobFolderPolicy.Verdict.Allowed)
        {
            await StopAsync(jobId, $"{request.Folder}: {verdict}");
            return;
        }

        await Store.SetJobStateAsync(jobId, BatchJobStates.Running, cancellationToken);
        // An upload's items were added with the job; a folder is walked (again, on resume: only new files are added).
        var walker = new InputWalker(new InputWalkOptions
        {
            Recursive = request.Recursive,
            FollowLink = policy.IsUnderAllowedRoot,
            // No path in the log: folder names in archives can carry patient names.
            Warn = _ => logger.LogWarning("Job {JobId}: a folder could not be listed; its files are not screened", jobId),
        });
        int added = request.IsStoredUpload ? 0 : await Store.AddItemsAsync(jobId, walker.Walk([request.Folder]).Select(input => input.FullPath), cancellationToken);
        if (walker.SkippedFolders > 0)
        {
            logger.LogInformation("Job {JobId}: {Skipped} sub-folders not screened (the job is not recursive)", jobId, walker.SkippedFolders);
        }

        var pending = await Store.PendingItemsAsync(jobId, cancellationToken: cancellationToken);
        logger.LogInformation("Job {JobId}: {Added} files found, {Pending} to screen", jobId, added, pending.Count);

        // Here (in-process) or on queue workers (TbScreen:Broker); either way every item ends committed in the store.
        // The dashboard shows results with their heatmaps, so jobs ask for them.
        await dispatcher.DispatchAsync(new JobDispatch(jobId, request.Site, Heatmap: true), pending, progress: null, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested(); // a cancel during the last items leaves it cancelled
        await Store.SetJobStateAsync(jobId, BatchJobStates.Completed, cancellationToken);
        // Counts, not the folder: server paths stay out of the audit trail (issue 17).
        var finished = await Store.GetJobAsync(jobId, cancellationToken);
        await Store.RecordAsync(ApiActors.System, AuditActions.JobCompleted, $"job/{jobId}",
            finished is null ? null : $"{finished.Total} items, {finished.Succeeded} screened, {finished.Failed} failed", cancellationToken);
        await DiscardUploadsAsync(jobId, request);
    }

    /// <summary>
    /// An upload job's files that nothing needs any more go once the job is over (issue 17): those never screened
    /// (a cancelled job), and all of them when the host keeps no source images (Persistence:StoreContent off); a
    /// screened file otherwise stays for the viewer until retention. A staging folder of a job from before issue 17
    /// is deleted. Server folders are never touched. Never throws: the job's outcome is already recorded.
    /// </summary>
    private async Task DiscardUploadsAsync(long jobId, FolderJobRequest? request)
    {
        if (request?.UploadedFiles is null)
        {
            return;
        }

        if (request.IsStoredUpload)
        {
            try
            {
                var shas = (await Store.ItemsAsync(jobId, CancellationToken.None))
                    .Select(i => StoredItems.TryGetSha256(i.Path, out string sha) ? sha : null).OfType<string>().ToList();
                int deleted = await retention.DiscardAsync(shas, keepScreened: persistence.Value.StoreContent, $"upload of job {jobId}, not kept after the job", CancellationToken.None);
                logger.LogInformation("Job {JobId}: {Deleted} of its {Count} uploaded files deleted from the content store", jobId, deleted, shas.Count);
            }
            catch (Exception e)
            {
                logger.LogWarning("Job {JobId}: its uploaded files could not be discarded ({Reason}); retention removes them later", jobId, e.Message);
            }

            return;
        }

        if (!Directory.Exists(request.Folder))
        {
            return;
        }

        try
        {
            Directory.Delete(request.Folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Job {JobId}: its staged upload files could not be deleted ({Reason})", jobId, e.Message);
        }
    }
}
