using Microsoft.Extensions.Logging;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Writing;

namespace TbScreen.Pacs;

/// <summary>Which studies to pull from a PACS: every criterion given must match (PS3.4 C.2.2 matching on the PACS).</summary>
/// <param name="StudyDate">A DICOM date or range: "20260105", "20260101-20260131", "20260101-".</param>
/// <param name="Modalities">Modalities in Study, any of which must be present (default: chest radiographs, CR and DX).</param>
public sealed record PullCriteria(string? StudyDate = null, IReadOnlyList<string>? Modalities = null, string? PatientId = null, string? AccessionNumber = null,
    int MaxStudies = 500)
{
    public IReadOnlyList<string> ModalitiesOrDefault => Modalities is { Count: > 0 } given ? given : ["CR", "DX"];
}

/// <summary>A study the PACS found, with what it said of it.</summary>
public sealed record FoundStudy(string StudyInstanceUid, string? StudyDate, IReadOnlyList<string> Modalities, int? Instances);

/// <summary>
/// Screens a PACS archive: C-FIND (Study Root, study level) for the studies that match, then C-MOVE of each study's
/// series of the asked modalities to an AE that the PACS knows, normally a running TbScreen node (`tbscreen listen`),
/// which stores and screens what arrives; or C-GET of them over our own association, for a PACS that does not know our AE.
/// Studies whose returned modalities match none asked for are skipped, in case the PACS does not match that optional
/// key itself.
/// </summary>
public sealed class StudyPuller(DicomClient client, ILogger logger)
{
    private const uint QueryRetrieveLevel = 0x00080052;
    private const uint StudyDate = 0x00080020;
    private const uint AccessionNumber = 0x00080050;
    private const uint ModalitiesInStudy = 0x00080061;
    private const uint NumberOfStudyRelatedInstances = 0x00201208;

    public async Task<IReadOnlyList<FoundStudy>> FindAsync(DicomPeer pacs, PullCriteria criteria, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        var modalities = criteria.ModalitiesOrDefault;
        var identifier = new DicomDataset()
            .AddString(QueryRetrieveLevel, "CS", "STUDY")
            .AddString(DicomTag.StudyInstanceUid, "UI", "")
            .AddString(StudyDate, "DA", criteria.StudyDate ?? "")
            .AddString(ModalitiesInStudy, "CS", string.Join('\\', modalities))
            .AddString(AccessionNumber, "SH", criteria.AccessionNumber ?? "")
            .AddString(DicomTag.PatientId, "LO", criteria.PatientId ?? "")
            .AddString(NumberOfStudyRelatedInstances, "IS", "");
        var answers = await client.FindAsync(pacs, identifier, QueryRetrieveModel.StudyRoot, cancellationToken);
        var studies = new List<FoundStudy>();
        foreach (var answer in answers)
        {
            if (answer.GetString(DicomTag.StudyInstanceUid)?.Trim() is not { Length: > 0 } uid)
            {
                logger.LogWarning("{Pacs}: a C-FIND answer without a Study Instance UID was skipped", pacs);
                continue;
            }

            var found = answer.GetStrings(ModalitiesInStudy)?.Select(m => m.Trim()).Where(m => m.Length > 0).ToList() ?? [];
            if (found.Count > 0 && !found.Intersect(modalities, StringComparer.OrdinalIgnoreCase).Any())
            {
                continue; // the PACS did not match Modalities in Study; we do
            }

            studies.Add(new FoundStudy(uid, answer.GetString(StudyDate)?.Trim(), found, answer.GetInt(NumberOfStudyRelatedInstances)));
        }

        var unique = studies.DistinctBy(s => s.StudyInstanceUid).ToList();
        if (unique.Count > criteria.MaxStudies)
        {
            logger.LogWarning("{Pacs}: {Count} studies match; only the first {Max} are pulled (raise the limit or narrow the dates)", pacs, unique.Count, criteria.MaxStudies);
        }

        return unique.Take(criteria.MaxStudies).ToList();
    }

    /// <summary>The storage classes a C-GET takes back: chest radiographs (CR, DX) and secondary captures.</summary>
    public static IReadOnlyList<string> RetrievedSopClasses { get; } =
        [DicomUids.ComputedRadiographyImageStorage, DicomUids.DigitalXRayImageStorageForPresentation, DicomUids.DigitalXRayImageStorageForProcessing, DicomUids.SecondaryCaptureImageStorage];

    /// <summary>
    /// C-GET of one study over our own association: each radiograph the PACS sends goes to <paramref name="onObject"/>
    /// as a Part 10 file. Only the study's series of <paramref name="modalities"/> are asked for (<see cref="SeriesAsync"/>),
    /// one at a time at series level. Objects of other classes in them are not taken; the PACS counts them failed.
    /// </summary>
    public async Task<RetrieveResult> GetAsync(DicomPeer pacs, FoundStudy study, IReadOnlyList<string> modalities, Func<byte[], CancellationToken, Task<DicomStatus>> onObject,
        IProgress<RetrieveResult>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onObject);
        return await EachSeriesAsync(pacs, study, modalities, series =>
            client.GetAsync(pacs, series, RetrievedSopClasses, onObject, QueryRetrieveModel.StudyRoot, progress, cancellationToken), cancellationToken);
    }

    /// <summary>C-MOVE of one study's series of <paramref name="modalities"/> to <paramref name="destinationAeTitle"/>; the PACS's answers, refused or not.</summary>
    public async Task<RetrieveResult> MoveAsync(DicomPeer pacs, FoundStudy study, IReadOnlyList<string> modalities, string destinationAeTitle, IProgress<RetrieveResult>? progress,
        CancellationToken cancellationToken) =>
        await EachSeriesAsync(pacs, study, modalities, series =>
            client.MoveAsync(pacs, series, destinationAeTitle, QueryRetrieveModel.StudyRoot, progress, cancellationToken), cancellationToken);

    /// <summary>
    /// The study's series whose Modality is one of <paramref name="modalities"/> (C-FIND, Study Root, series level).
    /// A retrieve asks for these alone, not the whole study: it takes no reports, and some archives stop a study-level
    /// C-GET at the first object the requestor cannot take (Orthanc 1.10 ends it with C000 at a report and never sends
    /// the radiographs after it).
    /// </summary>
    public async Task<IReadOnlyList<string>> SeriesAsync(DicomPeer pacs, FoundStudy study, IReadOnlyList<string> modalities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(modalities);
        var identifier = new DicomDataset()
            .AddString(QueryRetrieveLevel, "CS", "SERIES")
            .AddString(DicomTag.StudyInstanceUid, "UI", study.StudyInstanceUid)
            .AddString(DicomTag.SeriesInstanceUid, "UI", "")
            .AddString(DicomTag.Modality, "CS", "");
        var answers = await client.FindAsync(pacs, identifier, QueryRetrieveModel.StudyRoot, cancellationToken);
        return answers
            .Where(a => modalities.Contains(a.GetString(DicomTag.Modality)?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
            .Select(a => a.GetString(DicomTag.SeriesInstanceUid)?.Trim())
            .OfType<string>()
            .Where(uid => uid.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Runs <paramref name="retrieve"/> on each series of the study and adds up the answers; a refused series makes the study's status a refusal.</summary>
    private async Task<RetrieveResult> EachSeriesAsync(DicomPeer pacs, FoundStudy study, IReadOnlyList<string> modalities, Func<DicomDataset, Task<RetrieveResult>> retrieve,
        CancellationToken cancellationToken)
    {
        var series = await SeriesAsync(pacs, study, modalities, cancellationToken);
        if (series.Count == 0)
        {
            // No UID in the log: it would tie the log to a patient's study.
            logger.LogWarning("{Pacs}: a study has no {Modalities} series; nothing retrieved from it", pacs, string.Join(",", modalities));
        }

        var total = new RetrieveResult(DicomStatus.Success, 0, 0, 0);
        foreach (string uid in series)
        {
            var answer = await retrieve(new DicomDataset()
                .AddString(QueryRetrieveLevel, "CS", "SERIES")
                .AddString(DicomTag.StudyInstanceUid, "UI", study.StudyInstanceUid)
                .AddString(DicomTag.SeriesInstanceUid, "UI", uid));
            total = new RetrieveResult(Worse(total.Status, answer.Status), total.Completed + answer.Completed, total.Failed + answer.Failed, total.Warning + answer.Warning);
        }

        return total;
    }

    /// <summary>The study's status so far and a series' status: the first refusal stays, else a warning beats success.</summary>
    private static DicomStatus Worse(DicomStatus soFar, DicomStatus series)
    {
        static bool Refused(DicomStatus s) => !(s.IsSuccess || s.IsWarning);
        if (Refused(soFar))
        {
            return soFar;
        }

        return Refused(series) || (soFar.IsSuccess && series.IsWarning) ? series : soFar;
    }
}
