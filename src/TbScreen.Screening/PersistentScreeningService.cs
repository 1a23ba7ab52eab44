using Microsoft.Extensions.Options;
using TbScreen.Screening.Jobs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Sites;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening;

/// <summary>
/// The pipeline plus the store: screening an image again returns the stored result unless the model version
/// changed, files go to the content store, and batch items complete transactionally. Thread-safe; share one.
/// </summary>
public sealed class PersistentScreeningService
{
    private readonly IScreeningPipeline _pipeline;
    private readonly IScreeningStore _store;
    private readonly ContentStore? _content;
    private readonly long _maxFileBytes;
    private readonly ISiteProfileStore? _sites;

    public PersistentScreeningService(IScreeningPipeline pipeline, IScreeningStore store, ContentStore? content = null, long maxFileBytes = 512L * 1024 * 1024, ISiteProfileStore? sites = null)
    {
        _sites = sites;
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _content = content;
        _maxFileBytes = maxFileBytes;
    }

    /// <summary>The DI constructor: the content store is used when PersistenceOptions.StoreContent is on.</summary>
    public PersistentScreeningService(IScreeningPipeline pipeline, IScreeningStore store, ContentStore content, IOptions<ScreeningOptions> screening, IOptions<PersistenceOptions> persistence, ISiteProfileStore sites)
        : this(pipeline, store, persistence.Value.StoreContent ? content : null, screening.Value.MaxFileBytes, sites)
    {
    }

    public IScreeningPipeline Pipeline => _pipeline;

    public IScreeningStore Store => _store;

    public string ModelVersion => _pipeline.ModelVersion;

    /// <summary>Screens a file on disk, or returns the stored result for the same image and models.</summary>
    public Task<StoredOutcome> ScreenAsync(string path, CancellationToken cancellationToken = default) =>
        ScreenCore(path, ReadFile(path), save: o => _store.SaveOutcomeAsync(o, cancellationToken), null, cancellationToken);

    /// <summary>Screens an upload; <paramref name="sourceName"/> is the name it is reported and stored under.</summary>
    public Task<StoredOutcome> ScreenAsync(Stream content, string sourceName, CancellationToken cancellationToken = default) =>
        ScreenAsync(content, sourceName, chosenSite: null, cancellationToken);

    /// <summary>Screens an upload for the site the user chose (null: the site rules decide). Throws <see cref="UnknownSiteException"/>.</summary>
    public Task<StoredOutcome> ScreenAsync(Stream content, string sourceName, string? chosenSite, CancellationToken cancellationToken = default) =>
        ScreenAsync(content, sourceName, chosenSite, audit: null, cancellationToken);

    /// <summary>
    /// Screens an upload and, with <paramref name="audit"/>, writes the audit row made from the stored result in the
    /// same transaction as the result (a reused result gets its row too).
    /// </summary>
    public async Task<StoredOutcome> ScreenAsync(Stream content, string sourceName, string? chosenSite, Func<StoredOutcome, AuditEntry>? audit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        byte[]? bytes = await ReadBoundedAsync(content, cancellationToken);
        return await ScreenCore(sourceName, bytes,
            o => audit is null ? _store.SaveOutcomeAsync(o, cancellationToken) : _store.SaveOutcomeAsync(o, audit, cancellationToken),
            chosenSite, cancellationToken);
    }

    /// <summary>
    /// One batch item: counts the attempt, screens (or reuses a stored result), and completes the item in one
    /// transaction. Returns the item's stored result; an item already done returns its result without screening.
    /// </summary>
    public Task<StoredOutcome> ScreenItemAsync(long jobId, string path, CancellationToken cancellationToken = default) =>
        ScreenItemAsync(jobId, path, chosenSite: null, cancellationToken);

    /// <summary>A batch item of a job whose creator chose a site (null: the site rules decide).</summary>
    public Task<StoredOutcome> ScreenItemAsync(long jobId, string path, string? chosenSite, CancellationToken cancellationToken = default) =>
        ScreenItemAsync(jobId, path, path, chosenSite, cancellationToken);

    /// <summary>
    /// A batch item whose file is read from <paramref name="file"/> (a queue worker's view of it: a shared mount, or
    /// the content store) while the job knows it as <paramref name="itemPath"/>, the name its row is reported under.
    /// </summary>
    public Task<StoredOutcome> ScreenItemAsync(long jobId, string itemPath, string file, string? chosenSite, CancellationToken cancellationToken = default) =>
        // Every batch host gives a file that is not an image the same row, without reading all of it.
        ScreenItemCore(jobId, itemPath, file, () => InputSniffer.WhyNotAnImage(file) is { } notAnImage ? (null, notAnImage) : (ReadFile(file), null), chosenSite, cancellationToken);

    /// <summary>
    /// A batch item whose file is in the content store under <paramref name="sha256"/> (uploads, received instances):
    /// read through the store, so sealed files are decrypted and verified. A purged, missing or tampered file completes
    /// the item with the reason instead of failing the job.
    /// </summary>
    public Task<StoredOutcome> ScreenStoredItemAsync(long jobId, string itemPath, ContentStore store, string sha256, string? chosenSite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ScreenItemCore(jobId, itemPath, itemPath, () => ReadStored(store, sha256), chosenSite, cancellationToken);
    }

    private async Task<StoredOutcome> ScreenItemCore(long jobId, string itemPath, string file, Func<(byte[]? Bytes, string? WhyNot)> read, string? chosenSite, CancellationToken cancellationToken)
    {
        int attempt = await _store.BeginItemAsync(jobId, itemPath, cancellationToken);
        if (ItemAttempts.Exhausted(attempt))
        {
            return await _store.CompleteItemAsync(jobId, itemPath, ItemAttempts.GaveUp(itemPath, attempt, _pipeline.ModelVersion), cancellationToken);
        }

        var (bytes, whyNot) = read();
        if (whyNot is not null)
        {
            return await _store.CompleteItemAsync(jobId, itemPath, Unreadable(itemPath, whyNot), cancellationToken);
        }

        var stored = await ScreenCore(file, bytes, o => _store.CompleteItemAsync(jobId, itemPath, o with { Source = itemPath }, cancellationToken), chosenSite, cancellationToken);
        return AsSource(stored, itemPath);
    }

    private (byte[]? Bytes, string? WhyNot) ReadStored(ContentStore store, string sha256)
    {
        try
        {
            return store.Get(sha256) is { } bytes
                ? InputSniffer.WhyNotAnImage(bytes) is { } notAnImage ? (null, notAnImage) : (bytes, null)
                : (null, "the source file is no longer in the content store (purged under the retention policy, or removed)");
        }
        catch (ContentCorruptException e)
        {
            return (null, $"the stored source file failed its integrity check: {e.Reason}");
        }
    }

    /// <summary>Today's active profiles, and the chosen site checked against them before any work is done.</summary>
    public async Task<SiteScope> SiteScopeAsync(string? chosenSite, CancellationToken cancellationToken = default)
    {
        var profiles = _sites is null ? SiteProfiles.None : await _sites.ActiveAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(chosenSite) && profiles.Engine.Find(chosenSite) is null)
        {
            throw new UnknownSiteException(chosenSite, "does not exist");
        }

        return new SiteScope(profiles, string.IsNullOrWhiteSpace(chosenSite) ? null : chosenSite.Trim());
    }

    private async Task<StoredOutcome> ScreenCore(string source, byte[]? bytes, Func<ScreeningOutcome, Task<StoredOutcome>> save, string? chosenSite, CancellationToken cancellationToken)
    {
        // Without a site store the pipeline's own profiles apply (a fixed --site-profile, or none).
        var scope = _sites is null && chosenSite is null ? null : await SiteScopeAsync(chosenSite, cancellationToken);
        ScreeningOutcome outcome;
        if (bytes is null)
        {
            // Unreadable or over the limit: the pipeline produces the right code and message from the path.
            outcome = File.Exists(source)
                ? _pipeline.Screen(source, cancellationToken)
                : Unreadable(source, $"content exceeds the {_maxFileBytes}-byte limit or cannot be read");
        }
        else
        {
            string sha = ContentStore.Sha256Of(bytes);
            // Reuse only for the same bytes: a copied SOP Instance UID must not fetch another image's result.
            if (await _store.FindCurrentResultAsync(sha, _pipeline.ModelVersion, cancellationToken) is { } found)
            {
                // Still record a batch item (or no-op for an upload) so the job links to the reused result.
                var reused = await save(found.Outcome with { Source = source });
                return AsSource(reused, source);
            }

            _content?.Put(bytes);
            outcome = _pipeline is ScreeningPipeline concrete
                ? scope is null ? concrete.Screen(bytes, source, cancellationToken) : concrete.Screen(bytes, source, scope, cancellationToken)
                : _pipeline.Screen(new MemoryStream(bytes, writable: false), source, cancellationToken);
        }

        return AsSource(await save(outcome), source);
    }

    /// <summary>A stored result reused for another file or upload is reported under that caller's name.</summary>
    private static StoredOutcome AsSource(StoredOutcome stored, string source) =>
        stored with { Outcome = stored.Outcome with { Source = source } };

    private ScreeningOutcome Unreadable(string source, string error) => new()
    {
        Source = source,
        Status = ScreeningStatus.UnreadableImage,
        Error = error,
        ModelVersion = _pipeline.ModelVersion,
    };

    private byte[]? ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length <= _maxFileBytes ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task<byte[]?> ReadBoundedAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > _maxFileBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
