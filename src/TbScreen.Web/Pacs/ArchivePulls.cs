using System.Text.Json;
using Microsoft.Extensions.Options;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Pacs;

/// <summary>
/// The dashboard's archive screening: find studies on an archive of TbScreen:Dicom:Archives by C-FIND, then pull them
/// by C-GET into the node's receiving end (<see cref="DicomNodeService.Received"/>), which screens them into the
/// worklist. Only configured archives are ever called: a user picks one by AE title, never types an address. Each
/// pull is kept in the database (<see cref="ArchivePullStore"/>) with its studies and progress, runs in the background
/// one study at a time, and resumes after a restart from the study it stood at. Finds and pulls are audited, with the
/// archive and the criteria (dates and modalities, never a patient).
/// </summary>
internal sealed class ArchivePulls(IOptions<TbScreenOptions> options, DicomNodeService node, IScreeningStore store, ArchivePullStore pulls,
    IHostApplicationLifetime lifetime, ILogger<ArchivePulls> logger)
{
    /// <summary>Raised when a pull starts, makes progress or ends (the page re-renders).</summary>
    public event Action? Changed;

    /// <summary>The archives a user may pull from, by AE title (validated at start-up, parsed once).</summary>
    public IReadOnlyList<DicomPeer> Archives { get; } = options.Value.Dicom.Archives.Select(DicomPeer.Parse).ToList();

    /// <summary>The newest pulls, newest first.</summary>
    public Task<IReadOnlyList<ArchivePullInfo>> RecentAsync(CancellationToken cancellationToken = default) => pulls.RecentAsync(20, cancellationToken);

    /// <summary>The studies of <paramref name="archiveAeTitle"/> that match; throws <see cref="DicomNetworkException"/> when it cannot be asked.</summary>
    public async Task<IReadOnlyList<FoundStudy>> FindAsync(string archiveAeTitle, PullCriteria criteria, string actor, CancellationToken cancellationToken)
    {
        var archive = Archive(archiveAeTitle) ?? throw new ArgumentException($"'{archiveAeTitle}' is not an archive of TbScreen:Dicom:Archives.", nameof(archiveAeTitle));
        var studies = await Puller().FindAsync(archive, criteria, cancellationToken);
        await store.RecordAsync(actor, AuditActions.DicomPullFound, $"archive/{archive.AeTitle}", $"{Describe(criteria)}: {studies.Count} studies", cancellationToken);
        return studies;
    }

    /// <summary>Records the pull and starts it in the background; returns it.</summary>
    public async Task<ArchivePullInfo> StartAsync(string archiveAeTitle, PullCriteria criteria, IReadOnlyList<FoundStudy> studies, string actor)
    {
        ArgumentNullException.ThrowIfNull(studies);
        var archive = Archive(archiveAeTitle) ?? throw new ArgumentException($"'{archiveAeTitle}' is not an archive of TbScreen:Dicom:Archives.", nameof(archiveAeTitle));
        var pull = await pulls.CreateAsync(archive.AeTitle, Describe(criteria), actor, JsonSerializer.Serialize(studies), studies.Count);
        await store.RecordAsync(actor, AuditActions.DicomPullStarted, $"archive/{archive.AeTitle}", $"pull {pull.Id}, {pull.Criteria}: {studies.Count} studies", CancellationToken.None);
        Run(pull, archive, studies);
        return pull;
    }

    /// <summary>At start: the pulls a restart interrupted go on from the study each stood at.</summary>
    public async Task ResumeUnfinishedAsync(CancellationToken cancellationToken)
    {
        foreach (var pull in await pulls.UnfinishedAsync(cancellationToken))
        {
            var studies = JsonSerializer.Deserialize<List<FoundStudy>>(pull.StudiesJson) ?? [];
            if (Archive(pull.Archive) is not { } archive)
            {
                await pulls.UpdateAsync(pull.Id, State(pull) with { Error = $"{pull.Archive} is no longer one of TbScreen:Dicom:Archives", Finished = true }, cancellationToken);
                continue;
            }

            logger.LogInformation("Resuming pull {Pull} from {Archive} at study {Next} of {Count}", pull.Id, archive, pull.StudiesDone + 1, studies.Count);
            await store.RecordAsync(ApiActors.System, AuditActions.DicomPullResumed, $"archive/{archive.AeTitle}", $"pull {pull.Id} at study {pull.StudiesDone + 1} of {studies.Count}",
                cancellationToken);
            Run(pull, archive, studies);
        }
    }

    private void Run(ArchivePullInfo pull, DicomPeer archive, IReadOnlyList<FoundStudy> studies)
    {
        Changed?.Invoke();
        var puller = new ArchivePuller(Puller(), node.Received, logger);
        _ = Task.Run(async () =>
        {
            try
            {
                await puller.PullAsync(archive, studies, async state =>
                {
                    await pulls.UpdateAsync(pull.Id, state, CancellationToken.None);
                    Changed?.Invoke();
                }, lifetime.ApplicationStopping, State(pull));
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Left unfinished on purpose: the next start resumes it.
                logger.LogInformation("Pull {Pull} from {Archive} interrupted by shutdown; it resumes at the next start", pull.Id, archive);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Pull {Pull} from {Archive} failed", pull.Id, archive);
                await pulls.UpdateAsync(pull.Id, State(pull) with { Error = "failed: " + e.GetType().Name, Finished = true }, CancellationToken.None);
                Changed?.Invoke();
            }
        });
    }

    private DicomPeer? Archive(string aeTitle) => Archives.FirstOrDefault(a => a.AeTitle == aeTitle);

    private StudyPuller Puller() =>
        new(new DicomClient(new DicomClientOptions { CallingAeTitle = options.Value.Dicom.AeTitle, Tls = options.Value.Dicom.ArchiveTls?.ToOptions() }, logger), logger);

    private static ArchivePullState State(ArchivePullInfo pull) => new(pull.StudiesDone, pull.Received, pull.NotTaken, pull.Refused, pull.Error, pull.Finished);

    private static string Describe(PullCriteria criteria) =>
        $"{string.Join(",", criteria.ModalitiesOrDefault)}{(criteria.StudyDate is { Length: > 0 } dates ? " " + dates : "")}";
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
