using Microsoft.Extensions.Options;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Jobs;

/// <summary>
/// Runs queued folder jobs one after another, each with <see cref="JobOptions.Parallelism"/> files at a time.
/// Every item is committed with its result in one store transaction, so a job cut short by a restart keeps what
/// it finished, and re-running it (same job id) only screens the pending items.
/// </summary>
internal sealed class FolderJobWorker(
    JobQueue queue,
    IScreeningStore store,
    IScreeningPipeline pipeline,
    IOptions<TbScreenOptions> options,
    ILogger<FolderJobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (long jobId in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(jobId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host is stopping: the job stays "running" with its pending items, ready to be resumed.
                return;
            }
            catch (Exception e)
            {
                // A job-level failure (folder gone, database down); per-file failures never get here.
                logger.LogError(e, "Job {JobId} stopped", jobId);
                await store.SetJobStateAsync(jobId, BatchJobStates.Cancelled, CancellationToken.None);
                await store.RecordAsync(ApiActors.System, "job.stopped", $"job/{jobId}", e.Message, CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(long jobId, CancellationToken cancellationToken)
    {
        var job = await store.GetJobAsync(jobId, cancellationToken);
        if (job is null)
        {
            return;
        }

        var request = FolderJobRequest.FromJson(job.OptionsJson) ?? new FolderJobRequest(job.Inputs[0], Recursive: true);
        await store.SetJobStateAsync(jobId, BatchJobStates.Running, cancellationToken);
        int added = await store.AddItemsAsync(jobId, RadiographFolderScanner.Scan(request.Folder, request.Recursive), cancellationToken);
        var pending = await store.PendingItemsAsync(jobId, cancellationToken: cancellationToken);
        logger.LogInformation("Job {JobId}: {Added} files found in {Folder}, {Pending} to screen", jobId, added, request.Folder, pending.Count);

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.Jobs.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(pending, parallel, async (item, token) =>
        {
            await store.BeginItemAsync(jobId, item.Path, token);
            // Never throws for bad files: they come back as a status code and are counted as failed items.
            var outcome = pipeline.Screen(item.Path, token);
            await store.CompleteItemAsync(jobId, item.Path, outcome, token);
        });

        await store.SetJobStateAsync(jobId, BatchJobStates.Completed, cancellationToken);
        await store.RecordAsync(ApiActors.System, "job.completed", $"job/{jobId}", request.Folder, cancellationToken);
    }
}
