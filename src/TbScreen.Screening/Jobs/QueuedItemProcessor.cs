using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening.Jobs;

/// <summary>What a worker did with a queued item, and so what it tells the broker.</summary>
public enum QueuedItemVerdict
{
    /// <summary>Screened now and committed with its item: acknowledge.</summary>
    Completed,

    /// <summary>The item was already finished (a redelivery, or a copy published by a resumed job): acknowledge.</summary>
    AlreadyDone,

    /// <summary>The job or item no longer exists (deleted): acknowledge and drop.</summary>
    Unknown,

    /// <summary>The job expects other models than this worker has: return it to the queue for a worker that has them.</summary>
    WrongModels,

    /// <summary>A user cancelled the job: acknowledge without screening; the item stays pending in the cancelled job.</summary>
    JobCancelled,
}

/// <summary>
/// The transport-free half of a queue worker: screens one queued item and commits its result with the item in one
/// transaction (the store's unique image + model version key and the item's pending-only update make a redelivered
/// item a no-op), or finishes an item the broker gave up on as processing-failed. Thread-safe.
/// </summary>
public sealed class QueuedItemProcessor
{
    private readonly PersistentScreeningService _rows;
    private readonly PersistentScreeningService _withHeatmaps;
    private readonly ContentStore? _content;

    /// <param name="rows">Screens without heatmaps (batch rows).</param>
    /// <param name="withHeatmaps">Screens with heatmaps (jobs whose results are viewed in the dashboard).</param>
    public QueuedItemProcessor(PersistentScreeningService rows, PersistentScreeningService withHeatmaps, ContentStore? content)
    {
        _rows = rows ?? throw new ArgumentNullException(nameof(rows));
        _withHeatmaps = withHeatmaps ?? throw new ArgumentNullException(nameof(withHeatmaps));
        _content = content;
        if (rows.ModelVersion != withHeatmaps.ModelVersion)
        {
            throw new ArgumentException("both services must run the same models", nameof(withHeatmaps));
        }
    }

    public string ModelVersion => _rows.ModelVersion;

    private IScreeningStore Store => _rows.Store;

    public async Task<QueuedItemVerdict> ProcessAsync(QueuedItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ModelVersion != ModelVersion)
        {
            return QueuedItemVerdict.WrongModels;
        }

        var stored = await Store.FindItemAsync(item.JobId, item.ItemPath, cancellationToken);
        if (stored is null)
        {
            return QueuedItemVerdict.Unknown;
        }

        if (!stored.IsPending)
        {
            return QueuedItemVerdict.AlreadyDone;
        }

        if ((await Store.GetJobAsync(item.JobId, cancellationToken))?.State == BatchJobStates.Cancelled)
        {
            return QueuedItemVerdict.JobCancelled;
        }

        var service = item.Heatmap ? _withHeatmaps : _rows;
        if (item.StoredSha256 is { } sha)
        {
            var store = _content ?? throw new InvalidOperationException($"item {item.ItemId} of job {item.JobId} is in the content store, and this worker has none (--store)");
            await service.ScreenStoredItemAsync(item.JobId, item.ItemPath, store, sha, item.Site, cancellationToken);
        }
        else
        {
            await service.ScreenItemAsync(item.JobId, item.ItemPath, item.Location, item.Site, cancellationToken);
        }

        return QueuedItemVerdict.Completed;
    }

    /// <summary>
    /// Finishes an item whose message the broker dead-lettered (it was handed out <paramref name="deliveries"/> times
    /// and no worker finished it): processing-failed with the reason, so the job still completes. A no-op for an item
    /// that is already finished.
    /// </summary>
    public async Task GiveUpAsync(QueuedItem item, long deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (await Store.FindItemAsync(item.JobId, item.ItemPath, cancellationToken) is not { IsPending: true })
        {
            return;
        }

        await Store.CompleteItemAsync(item.JobId, item.ItemPath, new ScreeningOutcome
        {
            Source = item.ItemPath,
            Status = ScreeningStatus.ProcessingFailed,
            Error = $"no worker finished this file in {deliveries} deliveries (each worker that took it stopped first); not tried again",
            ModelVersion = item.ModelVersion,
        }, cancellationToken);
    }
}
