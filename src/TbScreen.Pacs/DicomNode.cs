using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>What a DICOM node listens as, and where it sends results.</summary>
public sealed record DicomNodeOptions
{
    /// <summary>The listener; null screens and forwards what other paths received (STOW-RS) without listening.</summary>
    public DicomListenerOptions? Listener { get; init; }

    /// <summary>Where each result's SR and heatmap capture go (C-STORE); null keeps results here only.</summary>
    public DicomPeer? ForwardResults { get; init; }

    /// <summary>
    /// The AEs a C-MOVE may send result objects to, by AE title; empty (the default) refuses Study Root MOVE. Only
    /// these addresses are ever used: the AE title in a request never decides where patient data goes.
    /// </summary>
    public IReadOnlyDictionary<string, DicomPeer> MoveDestinations { get; init; } = new Dictionary<string, DicomPeer>();

    /// <summary>
    /// Ask <see cref="ForwardResults"/> to commit to keeping what it was sent (Storage Commitment, PS3.4 J), and take its
    /// reports on the listener; null (the default) takes a successful C-STORE as delivered. Needs a listener the archive
    /// can call back, and a sender that is also an <see cref="ICommitmentRequester"/>.
    /// </summary>
    public DicomCommitmentOptions? StorageCommitment { get; init; }

    /// <summary>How often the node looks for received images and due deliveries when idle.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// TbScreen as a DICOM node: the listener stores what modalities and PACS send (<see cref="ReceivedInstances"/>),
/// a loop screens the received images through the same pipeline and store as uploads, queues each result's SR and
/// heatmap capture for the configured destination, and delivers the outbox. Stopping ends the listener's
/// associations and the image in progress; anything received but not yet screened is screened on the next start.
/// </summary>
public sealed class DicomNode(DicomNodeOptions options, PersistentScreeningService screening, ContentStore content, DicomOutboxStore outbox, IDicomSender sender, ILogger logger)
{
    private readonly ReceivedInstances _received = new(screening.Store, content, logger);

    /// <summary>The receiving end, for other ways in (STOW-RS) that must store exactly as C-STORE does.</summary>
    public ReceivedInstances Received => _received;
    private readonly ResultDelivery _delivery = new(outbox, screening.Store, content, logger);
    private readonly ResultCommitments? _commitments = options.StorageCommitment is { } commitment ? new(outbox, commitment, logger) : null;

    /// <summary>Raised after each received image is screened (the web host refreshes its worklist).</summary>
    public event Action<StoredOutcome>? Screened;

    /// <summary>The listener's address once <see cref="RunAsync"/> has started it.</summary>
    public System.Net.IPEndPoint? LocalEndPoint { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        // The node answers C-FIND over its result objects too, C-GET to whoever asks, and C-MOVE to the configured destinations.
        var search = new ResultStudies(outbox, content);
        var finder = new ResultStudyFinder(search, screening.Store);
        var mover = options.MoveDestinations.Count > 0 ? new ResultMover(search, outbox, content, screening.Store, sender, options.MoveDestinations) : null;
        var getter = new ResultGetter(search, outbox, content, screening.Store);
        var requester = CommitmentRequester();
        await using var listener = options.Listener is { } listen ? new DicomListener(listen, _received, logger, finder, mover, getter, _commitments) : null;
        if (listener is not null)
        {
            await listener.StartAsync(stopping);
            LocalEndPoint = listener.LocalEndPoint;
            logger.LogInformation("DICOM node {AeTitle} listening on {EndPoint}; results {Forward}", options.Listener!.AeTitle, listener.LocalEndPoint,
                options.ForwardResults is { } to ? $"to {to}" : "kept here");
        }

        if (await _received.ExistingJobIdAsync(stopping) is long received)
        {
            await ForwardUnsentAsync(received, stopping);
        }

        try
        {
            while (!stopping.IsCancellationRequested)
            {
                int screened = await ScreenPendingAsync(stopping);
                if (options.ForwardResults is not null)
                {
                    await DeliverDueAsync(stopping);
                    if (requester is not null)
                    {
                        await _commitments!.RequestDueAsync(requester, DateTime.UtcNow, stopping);
                    }
                }

                if (screened == 0)
                {
                    await Task.Delay(options.Poll, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: below.
        }

        if (listener is not null)
        {
            logger.LogInformation("DICOM node stopping: finishing open associations");
            await listener.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// One round of the outbox: sends the result objects that are due (to the destination each was queued for) and
    /// reschedules the ones that fail. The loop of <see cref="RunAsync"/> calls it; a host without that loop
    /// (`tbscreen pull --screen`) calls it itself.
    /// </summary>
    public Task<(int Sent, int Failed)> DeliverDueAsync(CancellationToken cancellationToken) =>
        _delivery.DeliverDueAsync(sender, DateTime.UtcNow, cancellationToken: cancellationToken);

    /// <summary>The sender as commitment requester when Storage Commitment is on; a configuration that cannot work fails the start, named.</summary>
    private ICommitmentRequester? CommitmentRequester()
    {
        if (_commitments is null)
        {
            return null;
        }

        if (options.Listener is null || options.ForwardResults is null)
        {
            throw new InvalidOperationException("Storage Commitment needs a destination for results and a listener the archive can send its reports to.");
        }

        return sender as ICommitmentRequester ?? throw new InvalidOperationException($"Storage Commitment needs a sender that can request it ({sender.GetType().Name} cannot).");
    }

    /// <summary>
    /// One batch of the received images not yet screened; returns how many (0: none pending). The loop of
    /// <see cref="RunAsync"/> calls it; a host without that loop (`tbscreen pull --screen`) calls it itself.
    /// </summary>
    public async Task<int> ScreenPendingAsync(CancellationToken stopping) =>
        // Looked up each time: STOW-RS or another process may create the job while this node runs.
        await _received.ExistingJobIdAsync(stopping) is long job ? await ScreenReceivedAsync(job, stopping) : 0;

    /// <summary>Screens the received images not yet screened (a batch at a time); returns how many.</summary>
    public async Task<int> ScreenReceivedAsync(long job, CancellationToken stopping)
    {
        var pending = await screening.Store.PendingItemsAsync(job, max: 16, stopping);
        foreach (var item in pending)
        {
            if (stopping.IsCancellationRequested)
            {
                break;
            }

            // The image in progress is finished even when a stop arrives meanwhile.
            var stored = ReceivedInstances.Sha256Of(item.Path) is { } sha
                ? await screening.ScreenStoredItemAsync(job, item.Path, content, sha, chosenSite: null, CancellationToken.None)
                : await screening.ScreenItemAsync(job, item.Path, item.Path, chosenSite: null, CancellationToken.None);
            logger.LogInformation("Screened received item {ItemId}: {Status}", item.Id, stored.Outcome.Status.ToCode());
            await ForwardAsync(stored, CancellationToken.None);
            Screened?.Invoke(stored);
        }

        return pending.Count;
    }

    private async Task ForwardAsync(StoredOutcome stored, CancellationToken cancellationToken)
    {
        // Without a destination the objects are still built and kept, so viewers can pull them by DICOMweb.
        if (stored.Outcome.Status != ScreeningStatus.Ok || (await outbox.ForResultAsync(stored.ResultId, cancellationToken)).Count > 0)
        {
            return;
        }

        try
        {
            await _delivery.EnqueueAsync(stored.ResultId, options.ForwardResults, (ScreeningPipeline)screening.Pipeline, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TbScreen.Dicom.DicomException)
        {
            logger.LogWarning("Result {ResultId} cannot be sent to PACS: {Reason}", stored.ResultId, e.Message);
        }
    }

    /// <summary>Results screened before a crash that came between screening and building their objects still get them.</summary>
    private async Task ForwardUnsentAsync(long job, CancellationToken cancellationToken)
    {
        foreach (var item in (await screening.Store.ItemsAsync(job, cancellationToken)).Where(i => i.Status == "ok" && i.ResultId is not null))
        {
            if (await screening.Store.GetResultAsync(item.ResultId!.Value, cancellationToken) is { } stored)
            {
                await ForwardAsync(stored, cancellationToken);
            }
        }
    }
}
