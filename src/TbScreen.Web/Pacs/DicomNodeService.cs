using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Pacs;

/// <summary>
/// The web host's DICOM node, when TbScreen:Dicom:Port is set: the same <see cref="DicomNode"/> as `tbscreen listen`,
/// over the host's screening service, content store and database, so received images land in the worklist and
/// their results go to PACS through the outbox that the PACS page shows.
/// </summary>
internal sealed class DicomNodeService(
    IOptions<TbScreenOptions> options,
    PersistentScreeningService screening,
    ContentStore content,
    IDbContextFactory<ScreeningDbContext> contexts,
    ReceivedResults received,
    ILogger<DicomNodeService> logger) : BackgroundService
{
    /// <summary>Where the node listens once started (tests use port 0 and read it here).</summary>
    public IPEndPoint? LocalEndPoint => _node?.LocalEndPoint;

    private DicomNode? _node;

    /// <summary>Where STOW-RS stores what it receives: the same receiving end as C-STORE.</summary>
    public ReceivedInstances Received => _received ??= new(screening.Store, content, logger);

    private ReceivedInstances? _received;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Dicom;
        // Without a port there is no listener, but what STOW-RS received is still screened and forwarded.
        var listener = settings.Port is int port
            ? new DicomListenerOptions
            {
                AeTitle = settings.AeTitle,
                BindAddress = IPAddress.Parse(settings.Bind),
                Port = port,
                AllowedCallingAeTitles = settings.AllowedCallingAeTitles,
                Tls = settings.Tls?.ToOptions(),
            }
            : null;
        var forward = settings.ForwardResults is { } to ? DicomPeer.Parse(to) : null;
        var moveDestinations = settings.MoveDestinations.Select(DicomPeer.Parse).ToDictionary(p => p.AeTitle, StringComparer.Ordinal);
        var nodeOptions = new DicomNodeOptions
        {
            Listener = listener,
            ForwardResults = forward,
            MoveDestinations = moveDestinations,
            StorageCommitment = settings.StorageCommitment ? new DicomCommitmentOptions() : null,
            Poll = TimeSpan.FromSeconds(2),
        };
        _node = new DicomNode(nodeOptions,
            screening, content,
            new DicomOutboxStore(contexts), new DicomClientSender(new DicomClient(new DicomClientOptions { CallingAeTitle = settings.AeTitle, Tls = settings.ForwardTls?.ToOptions() }, logger)), logger);
        _node.Screened += stored => received.Publish(stored.ResultId);
        try
        {
            await _node.RunAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A port in use or a database that is down must not take the dashboard with it.
            logger.LogError(e, "The DICOM node stopped");
        }
    }
}
