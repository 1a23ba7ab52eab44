using System.Collections.Concurrent;
using TbScreen.Inference.Stability;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening.Jobs;

/// <summary>How a queued item is screened beyond its models: a fixed site profile, a stability check, a heatmap.</summary>
public sealed record ScreeningVariant(SiteProfile? Profile, StabilityOptions? Stability, bool Heatmap);

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
    private readonly Func<ScreeningVariant, PersistentScreeningService>? _variants;
    private readonly ConcurrentDictionary<string, Lazy<PersistentScreeningService>> _variantServices = new(StringComparer.Ordinal);

    /// <param name="rows">Screens without heatmaps (batch rows).</param>
    /// <param name="withHeatmaps">Screens with heatmaps (jobs whose results are viewed in the dashboard).</param>
    /// <param name="variants">
    /// Makes the service for items that carry a fixed profile (<see cref="QueuedItem.SiteProfile"/>) or a stability
    /// check (<see cref="QueuedItem.Stability"/>): the same models as <paramref name="rows"/>, in a pipeline whose
    /// profile and check mark its model version, so a result decided at another threshold or without the check is
    /// never reused for it. Null: such items cannot be screened here.
    /// </param>
    public QueuedItemProcessor(PersistentScreeningService rows, PersistentScreeningService withHeatmaps, ContentStore? content,
        Func<ScreeningVariant, PersistentScreeningService>? variants = null)
    {
        _rows = rows ?? throw new ArgumentNullException(nameof(rows));
        _withHeatmaps = withHeatmaps ?? throw new ArgumentNullException(nameof(withHeatmaps));
        _content = content;
        _variants = variants;
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
        // An item under a fixed profile or a stability check expects the version they mark ("...+site@NAME vN:T",
        // "...+stability@EPS"): a worker that cannot screen so, or runs other models, hands it back for one that can.
        var service = item.SiteProfile is null && item.Stability is null
            ? item.Heatmap ? _withHeatmaps : _rows
            : Variant(new ScreeningVariant(item.SiteProfile, item.Stability, item.Heatmap));
        if (service is null || item.ModelVersion != service.ModelVersion)
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

        // A fixed profile decides by itself: no site is looked up for it.
        string? site = item.SiteProfile is null ? item.Site : null;
        if (item.StoredSha256 is { } sha)
        {
            var store = _content ?? throw new InvalidOperationException($"item {item.ItemId} of job {item.JobId} is in the content store, and this worker has none (--store)");
            await service.ScreenStoredItemAsync(item.JobId, item.ItemPath, store, sha, site, cancellationToken);
        }
        else
        {
            await service.ScreenItemAsync(item.JobId, item.ItemPath, item.Location, site, cancellationToken);
        }

        return QueuedItemVerdict.Completed;
    }

    /// <summary>One service per distinct version (it names the profile's site, version and threshold, and the check) and heatmap choice, made on first use.</summary>
    private PersistentScreeningService? Variant(ScreeningVariant variant)
    {
        if (_variants is not { } make)
        {
            return null;
        }

        string version = ScreeningPipeline.VersionFor(ModelVersion, variant.Profile, variant.Stability);
        string key = variant.Heatmap ? version + " with heatmaps" : version;
        var service = _variantServices.GetOrAdd(key, _ => new Lazy<PersistentScreeningService>(() => make(variant))).Value;
        if (service.ModelVersion != version)
        {
            throw new InvalidOperationException($"the service made for {key} runs {service.ModelVersion}");
        }

        return service;
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
