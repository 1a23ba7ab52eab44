using Microsoft.Extensions.Options;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Pacs;

/// <summary>One pull from an archive, as the PACS page lists it.</summary>
internal sealed record ArchivePullRun(int Id, string Archive, string Criteria, string StartedBy, DateTime StartedAt, ArchivePullProgress Progress);

/// <summary>
/// The dashboard's archive screening: find studies on an archive of TbScreen:Dicom:Archives by C-FIND, then pull them
/// by C-GET into the node's receiving end (<see cref="DicomNodeService.Received"/>), which screens them into the
/// worklist. Only configured archives are ever called: a user picks one by AE title, never types an address. Pulls
/// run in the background, one study at a time, and the last 20 are kept in memory with their progress. Each find and
/// each pull is audited, with the archive and the criteria (dates and modalities, never a patient).
/// </summary>
internal sealed class ArchivePulls(IOptions<TbScreenOptions> options, DicomNodeService node, IScreeningStore store, IHostApplicationLifetime lifetime,
    ILogger<ArchivePulls> logger)
{
    private const int Kept = 20;
    private readonly object _gate = new();
    private readonly List<ArchivePullRun> _runs = [];
    private int _nextId;

    /// <summary>Raised when a pull starts, makes progress or ends (the page re-renders).</summary>
    public event Action? Changed;

    /// <summary>The archives a user may pull from, by AE title.</summary>
    public IReadOnlyList<DicomPeer> Archives => options.Value.Dicom.Archives.Select(DicomPeer.Parse).ToList();

    public IReadOnlyList<ArchivePullRun> Runs
    {
        get
        {
            lock (_gate)
            {
                return _runs.ToList();
            }
        }
    }

    /// <summary>The studies of <paramref name="archiveAeTitle"/> that match; throws <see cref="DicomNetworkException"/> when it cannot be asked.</summary>
    public async Task<IReadOnlyList<FoundStudy>> FindAsync(string archiveAeTitle, PullCriteria criteria, string actor, CancellationToken cancellationToken)
    {
        var archive = Archive(archiveAeTitle);
        var studies = await Puller().FindAsync(archive, criteria, cancellationToken);
        await store.RecordAsync(actor, AuditActions.DicomPullFound, $"archive/{archive.AeTitle}", $"{Describe(criteria)}: {studies.Count} studies", cancellationToken);
        return studies;
    }

    /// <summary>Starts pulling <paramref name="studies"/> in the background; returns the run.</summary>
    public async Task<ArchivePullRun> StartAsync(string archiveAeTitle, PullCriteria criteria, IReadOnlyList<FoundStudy> studies, string actor)
    {
        ArgumentNullException.ThrowIfNull(studies);
        var archive = Archive(archiveAeTitle);
        await store.RecordAsync(actor, AuditActions.DicomPullStarted, $"archive/{archive.AeTitle}", $"{Describe(criteria)}: {studies.Count} studies", CancellationToken.None);
        ArchivePullRun run;
        lock (_gate)
        {
            run = new ArchivePullRun(++_nextId, archive.AeTitle, Describe(criteria), actor, DateTime.UtcNow, new ArchivePullProgress(studies.Count));
            _runs.Insert(0, run);
            if (_runs.Count > Kept)
            {
                _runs.RemoveAt(_runs.Count - 1);
            }
        }

        Changed?.Invoke();
        var puller = new ArchivePuller(Puller(), node.Received, logger);
        _ = Task.Run(async () =>
        {
            try
            {
                await puller.PullAsync(archive, studies, new Progress(this, run.Id), lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException)
            {
                Update(run.Id, p => p with { Error = "stopped: the host is shutting down", Finished = true });
            }
            catch (Exception e)
            {
                logger.LogError(e, "Pull {Run} from {Archive} failed", run.Id, archive);
                Update(run.Id, p => p with { Error = "failed: " + e.GetType().Name, Finished = true });
            }
        });
        return run;
    }

    private DicomPeer Archive(string aeTitle) =>
        Archives.FirstOrDefault(a => a.AeTitle == aeTitle) ?? throw new ArgumentException($"'{aeTitle}' is not an archive of TbScreen:Dicom:Archives.", nameof(aeTitle));

    private StudyPuller Puller() =>
        new(new DicomClient(new DicomClientOptions { CallingAeTitle = options.Value.Dicom.AeTitle, Tls = options.Value.Dicom.ArchiveTls?.ToOptions() }, logger), logger);

    private static string Describe(PullCriteria criteria) =>
        $"{string.Join(",", criteria.ModalitiesOrDefault)}{(criteria.StudyDate is { Length: > 0 } dates ? " " + dates : "")}";

    private void Update(int id, Func<ArchivePullProgress, ArchivePullProgress> change)
    {
        lock (_gate)
        {
            int index = _runs.FindIndex(r => r.Id == id);
            if (index >= 0)
            {
                _runs[index] = _runs[index] with { Progress = change(_runs[index].Progress) };
            }
        }

        Changed?.Invoke();
    }

    private sealed class Progress(ArchivePulls owner, int id) : IProgress<ArchivePullProgress>
    {
        public void Report(ArchivePullProgress value) => owner.Update(id, _ => value);
    }
}
