using Microsoft.Extensions.Options;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Pacs;

/// <summary>
/// The dashboard's archive screening (<see cref="ArchiveScreening"/>, shared with `tbscreen pull --screen`): find
/// studies on an archive of TbScreen:Dicom:Archives, then pull them by C-GET into the node's receiving end
/// (<see cref="DicomNodeService.Received"/>), which screens them into the worklist. Only configured archives are ever
/// called: a user picks one by AE title, never types an address. Pulls run in the background, one study at a time,
/// and the web host's unfinished ones resume at its next start.
/// </summary>
internal sealed class ArchivePulls(IOptions<TbScreenOptions> options, DicomNodeService node, IScreeningStore store, ArchivePullStore pulls,
    IHostApplicationLifetime lifetime, ILogger<ArchivePulls> logger)
{
    /// <summary>Raised when a pull starts, makes progress or ends (the page re-renders).</summary>
    public event Action? Changed;

    /// <summary>The archives a user may pull from, by AE title (validated at start-up, parsed once).</summary>
    public IReadOnlyList<DicomPeer> Archives { get; } = options.Value.Dicom.Archives.Select(DicomPeer.Parse).ToList();

    /// <summary>The newest pulls (of every host), newest first.</summary>
    public Task<IReadOnlyList<ArchivePullInfo>> RecentAsync(CancellationToken cancellationToken = default) => pulls.RecentAsync(20, cancellationToken);

    /// <summary>The studies of <paramref name="archiveAeTitle"/> that match; throws <see cref="DicomNetworkException"/> when it cannot be asked.</summary>
    public Task<IReadOnlyList<FoundStudy>> FindAsync(string archiveAeTitle, PullCriteria criteria, string actor, CancellationToken cancellationToken) =>
        Screening().FindAsync(ConfiguredArchive(archiveAeTitle), criteria, actor, cancellationToken);

    /// <summary>Records the pull and starts it in the background; returns it.</summary>
    public async Task<ArchivePullInfo> StartAsync(string archiveAeTitle, PullCriteria criteria, IReadOnlyList<FoundStudy> studies, string actor)
    {
        var archive = ConfiguredArchive(archiveAeTitle);
        var screening = Screening();
        var pull = await screening.RecordAsync(archive, criteria, studies, actor);
        Run(screening, pull, archive);
        return pull;
    }

    /// <summary>At start: the pulls a restart interrupted go on from the study each stood at.</summary>
    public async Task ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        var screening = Screening();
        foreach (var pull in await screening.UnfinishedAsync(cancellationToken))
        {
            if (Archive(pull.Archive) is not { } archive)
            {
                await screening.GiveUpAsync(pull, $"{pull.Archive} is no longer one of TbScreen:Dicom:Archives", cancellationToken);
                continue;
            }

            await screening.RecordResumedAsync(pull, ApiActors.System, cancellationToken);
            Run(screening, pull, archive);
        }
    }

    private void Run(ArchiveScreening screening, ArchivePullInfo pull, DicomPeer archive)
    {
        Changed?.Invoke();
        _ = Task.Run(async () =>
        {
            try
            {
                await screening.RunAsync(pull, archive, _ =>
                {
                    Changed?.Invoke();
                    return Task.CompletedTask;
                }, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Left unfinished on purpose: the next start resumes it.
                logger.LogInformation("Pull {Pull} from {Archive} interrupted by shutdown; it resumes at the next start", pull.Id, archive);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Pull {Pull} from {Archive} failed", pull.Id, archive);
                await screening.GiveUpAsync(pull, "failed: " + e.GetType().Name, CancellationToken.None);
                Changed?.Invoke();
            }
        });
    }

    private DicomPeer? Archive(string aeTitle) => Archives.FirstOrDefault(a => a.AeTitle == aeTitle);

    private DicomPeer ConfiguredArchive(string aeTitle) =>
        Archive(aeTitle) ?? throw new ArgumentException($"'{aeTitle}' is not an archive of TbScreen:Dicom:Archives.", nameof(aeTitle));

    private ArchiveScreening Screening() => new(
        new StudyPuller(new DicomClient(new DicomClientOptions { CallingAeTitle = options.Value.Dicom.AeTitle, Tls = options.Value.Dicom.ArchiveTls?.ToOptions() }, logger), logger),
        node.Received, pulls, store, ArchivePullStore.WebHost, logger);
}

/// <summary>Resumes, once the database is migrated, the archive pulls that a restart interrupted.</summary>
internal sealed class ArchivePullResumer(ArchivePulls pulls, ILogger<ArchivePullResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await pulls.ResumeUnfinishedAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A database that is down must not take the dashboard with it; the pulls wait for the next start.
            logger.LogError(e, "Could not resume the unfinished archive pulls");
        }
    }
}
