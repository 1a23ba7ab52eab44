using System.Text.Json;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs;

/// <summary>The audit actions of archive screening (the same in every host).</summary>
public static class ArchivePullAudit
{
    public const string Found = "dicom.pull.find";
    public const string Started = "dicom.pull";
    public const string Resumed = "dicom.pull.resume";
}

/// <summary>
/// Archive screening as both hosts run it (the dashboard's archive panel and `tbscreen pull --screen`): find studies
/// by C-FIND, record the pull with its studies in the database, pull them one by one into the node's receiving end
/// (<see cref="ArchivePuller"/>), keep its progress after each study, and resume an interrupted pull of this
/// <paramref name="host"/> at the study it stood at. Finds, pulls and resumptions are audited with the archive and the
/// criteria (dates and modalities, never a patient).
/// </summary>
public sealed class ArchiveScreening(StudyPuller puller, ReceivedInstances received, ArchivePullStore pulls, IScreeningStore audit, string host, ILogger logger)
{
    /// <summary>The studies of <paramref name="archive"/> that match; throws <see cref="DicomNetworkException"/> when it cannot be asked.</summary>
    public async Task<IReadOnlyList<FoundStudy>> FindAsync(DicomPeer archive, PullCriteria criteria, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(criteria);
        var studies = await puller.FindAsync(archive, criteria, cancellationToken);
        await audit.RecordAsync(actor, ArchivePullAudit.Found, Target(archive.AeTitle), $"{Describe(criteria)}: {studies.Count} studies", cancellationToken);
        return studies;
    }

    /// <summary>Records a new pull of <paramref name="studies"/> (not yet started) and audits it.</summary>
    public async Task<ArchivePullInfo> RecordAsync(DicomPeer archive, PullCriteria criteria, IReadOnlyList<FoundStudy> studies, string actor)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(studies);
        var pull = await pulls.CreateAsync(archive.AeTitle, Describe(criteria), actor, JsonSerializer.Serialize(studies), studies.Count, host);
        await audit.RecordAsync(actor, ArchivePullAudit.Started, Target(archive.AeTitle), $"pull {pull.Id}, {pull.Criteria}: {studies.Count} studies", CancellationToken.None);
        return pull;
    }

    /// <summary>This host's pulls that an interruption left unfinished, oldest first.</summary>
    public Task<IReadOnlyList<ArchivePullInfo>> UnfinishedAsync(CancellationToken cancellationToken) => pulls.UnfinishedAsync(host, cancellationToken);

    /// <summary>Audits that <paramref name="pull"/> goes on from where it stood.</summary>
    public Task RecordResumedAsync(ArchivePullInfo pull, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        logger.LogInformation("Resuming pull {Pull} from {Archive} at study {Next} of {Count}", pull.Id, pull.Archive, pull.StudiesDone + 1, pull.Studies);
        return audit.RecordAsync(actor, ArchivePullAudit.Resumed, Target(pull.Archive), $"pull {pull.Id} at study {pull.StudiesDone + 1} of {pull.Studies}", cancellationToken);
    }

    /// <summary>Ends a pull that cannot go on, with the reason.</summary>
    public Task GiveUpAsync(ArchivePullInfo pull, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        return pulls.UpdateAsync(pull.Id, StateOf(pull) with { Error = reason, Finished = true }, cancellationToken);
    }

    /// <summary>
    /// Pulls the studies of <paramref name="pull"/> it has not pulled yet, keeping its progress after each study;
    /// <paramref name="onProgress"/> is told after it is kept. Cancelling leaves the pull unfinished, to be resumed.
    /// </summary>
    public Task<ArchivePullState> RunAsync(ArchivePullInfo pull, DicomPeer archive, Func<ArchivePullState, Task>? onProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        ArgumentNullException.ThrowIfNull(archive);
        if (archive.AeTitle != pull.Archive)
        {
            throw new ArgumentException($"pull {pull.Id} is from {pull.Archive}, not {archive.AeTitle}", nameof(archive));
        }

        return new ArchivePuller(puller, received, logger).PullAsync(archive, StudiesOf(pull), ModalitiesOf(pull), async state =>
        {
            await pulls.UpdateAsync(pull.Id, state, CancellationToken.None);
            if (onProgress is not null)
            {
                await onProgress(state);
            }
        }, cancellationToken, StateOf(pull));
    }

    /// <summary>The studies a pull was started with, in pull order.</summary>
    public static IReadOnlyList<FoundStudy> StudiesOf(ArchivePullInfo pull)
    {
        ArgumentNullException.ThrowIfNull(pull);
        return JsonSerializer.Deserialize<List<FoundStudy>>(pull.StudiesJson) ?? [];
    }

    /// <summary>Where a recorded pull stands.</summary>
    public static ArchivePullState StateOf(ArchivePullInfo pull)
    {
        ArgumentNullException.ThrowIfNull(pull);
        return new(pull.StudiesDone, pull.Received, pull.NotTaken, pull.Refused, pull.Error, pull.Finished);
    }

    /// <summary>The modalities a recorded pull asked for: the first word of its <see cref="Describe"/>d criteria.</summary>
    public static IReadOnlyList<string> ModalitiesOf(ArchivePullInfo pull)
    {
        ArgumentNullException.ThrowIfNull(pull);
        var modalities = pull.Criteria.Split(' ', 2)[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new PullCriteria(Modalities: modalities).ModalitiesOrDefault;
    }

    /// <summary>The criteria as recorded and audited: modalities, then dates, never a patient.</summary>
    public static string Describe(PullCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        return $"{string.Join(",", criteria.ModalitiesOrDefault)}{(criteria.StudyDate is { Length: > 0 } dates ? " " + dates : "")}";
    }

    private static string Target(string aeTitle) => $"archive/{aeTitle}";
}
