using System.Collections.Concurrent;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
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
    private readonly Func<SiteProfile, PersistentScreeningService>? _underProfile;
    private readonly ConcurrentDictionary<string, Lazy<PersistentScreeningService>> _profiled = new(StringComparer.Ordinal);

    /// <param name="rows">Screens without heatmaps (batch rows).</param>
    /// <param name="withHeatmaps">Screens with heatmaps (jobs whose results are viewed in the dashboard).</param>
    /// <param name="underProfile">
    /// Screens batch rows under one fixed profile (items that carry <see cref="QueuedItem.SiteProfile"/>): the same
    /// models as <paramref name="rows"/>, and a pipeline whose fixed profile marks its model version, so a result
    /// decided at another threshold is never reused for it. Null: such items cannot be screened here.
    /// </param>
    public QueuedItemProcessor(PersistentScreeningService rows, PersistentScreeningService withHeatmaps, ContentStore? content,
        Func<SiteProfile, PersistentScreeningService>? underProfile = null)
    {
        _rows = rows ?? throw new ArgumentNullException(nameof(rows));
        _withHeatmaps = withHeatmaps ?? throw new ArgumentNullException(nameof(withHeatmaps));
        _content = content;
        _underProfile = underProfile;
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
        // An item under a fixed profile expects the version that profile marks ("...+site@NAME vN:T"): a worker
        // that cannot screen under profiles, or runs other models, hands it back for one that can.
        var service = item.SiteProfile is { } profile ? UnderProfile(profile) : item.Heatmap ? _withHeatmaps : _rows;
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

    /// <summary>One service per distinct profile (its version string names site, version and threshold), made on first use.</summary>
    private PersistentScreeningService? UnderProfile(SiteProfile profile)
    {
        if (_underProfile is not { } make)
        {
            return null;
        }

        string version = ScreeningPipeline.VersionUnder(ModelVersion, profile);
        var service = _profiled.GetOrAdd(version, _ => new Lazy<PersistentScreeningService>(() => make(profile))).Value;
        if (service.ModelVersion != version)
        {
            throw new InvalidOperationException($"the service made for site profile {profile.Label} runs {service.ModelVersion}, not {version}");
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
