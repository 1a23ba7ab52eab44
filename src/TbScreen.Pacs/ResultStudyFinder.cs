using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Dicom.Querying;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs;

/// <summary>
/// C-FIND over our result objects at study, series and image level (Study Root and Patient Root FIND), and at patient
/// level in Patient Root, so a PACS, RIS or viewer can ask the node which of its patients and studies have TbScreen
/// results, and what series and objects they hold before a C-MOVE or C-GET. The
/// identifier's keys match as QIDO-RS's do (<see cref="DicomQuery"/>), and each answer holds exactly the keys the
/// identifier lists. Every search is audited: the answers carry patient names and IDs.
/// </summary>
public sealed class ResultStudyFinder(ResultStudies studies, IScreeningStore store) : IQueryHandler
{
    public const string AuditAction = "dicom.cfind";

    private const uint QueryRetrieveLevel = 0x00080052;
    private const uint NumberOfStudyRelatedSeries = 0x00201206;
    private const uint NumberOfStudyRelatedInstances = 0x00201208;

    private const uint NumberOfSeriesRelatedInstances = 0x00201209;
    private const uint NumberOfPatientRelatedStudies = 0x00201200;
    private const uint NumberOfPatientRelatedSeries = 0x00201202;
    private const uint NumberOfPatientRelatedInstances = 0x00201204;

    public async Task<IReadOnlyList<DicomDataset>> FindAsync(DicomDataset identifier, QueryRetrieveModel model, string callingAeTitle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        string levelName = identifier.GetString(QueryRetrieveLevel)?.Trim() ?? "";
        bool patientRoot = model == QueryRetrieveModel.PatientRoot;
        var level = levelName switch
        {
            "PATIENT" when patientRoot => QueryLevel.Patient,
            "STUDY" => QueryLevel.Study,
            "SERIES" => QueryLevel.Series,
            "IMAGE" => QueryLevel.Instance,
            _ => throw new FormatException($"Query/Retrieve Level '{levelName}' is not {(patientRoot ? "PATIENT, " : "")}STUDY, SERIES or IMAGE"),
        };
        var query = DicomQuery.FromIdentifier(identifier, level);
        IReadOnlyList<DicomDataset> answers = level switch
        {
            QueryLevel.Patient => [.. (await studies.FindPatientsAsync(query, cancellationToken)).Select(m => Answer(identifier, m.Header, levelName, new()
            {
                [NumberOfPatientRelatedStudies] = ("IS", Number(m.Studies)),
                [NumberOfPatientRelatedSeries] = ("IS", Number(m.Series)),
                [NumberOfPatientRelatedInstances] = ("IS", Number(m.Objects)),
            }))],
            QueryLevel.Study => [.. (await studies.FindAsync(query, cancellationToken)).Select(m => Answer(identifier, m.Header, levelName, new()
            {
                [DicomQuery.ModalitiesInStudy] = ("CS", string.Join('\\', m.Modalities)),
                [NumberOfStudyRelatedSeries] = ("IS", Number(m.Series)),
                [NumberOfStudyRelatedInstances] = ("IS", Number(m.Objects)),
            }))],
            QueryLevel.Series => [.. (await studies.FindSeriesAsync(query, null, cancellationToken)).Select(m => Answer(identifier, m.Header, levelName, new()
            {
                [NumberOfSeriesRelatedInstances] = ("IS", Number(m.Objects)),
            }))],
            _ => [.. (await studies.FindInstancesAsync(query, null, null, cancellationToken)).Select(m => Answer(identifier, m.Header, levelName, new()))],
        };
        await store.RecordAsync($"dicom:{callingAeTitle}", AuditAction, "dicom/c-find",
            $"{levelName.ToLowerInvariant()} level, keys {string.Join(",", query.Matchers.Select(m => m.Tag.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)))}: {answers.Count} matches",
            cancellationToken);
        return answers;
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The identifier's keys, valued from the object's attributes or the computed ones; absent ones empty.</summary>
    private static DicomDataset Answer(DicomDataset identifier, DicomDataset header, string level, Dictionary<uint, (string Vr, string Value)> computed)
    {
        var answer = new DicomDataset();
        if (header[DicomTag.SpecificCharacterSet] is { } charset)
        {
            answer.Set(charset);
        }

        foreach (var key in identifier.Elements.Where(e => e.Tag != DicomTag.SpecificCharacterSet))
        {
            if (key.Tag == QueryRetrieveLevel)
            {
                answer.AddString(QueryRetrieveLevel, "CS", level);
            }
            else if (computed.TryGetValue(key.Tag, out var value))
            {
                answer.AddString(key.Tag, value.Vr, value.Value);
            }
            else
            {
                answer.Set(header[key.Tag] is { Items: null } found ? found
                    : key.Items is not null ? new DicomElement(key.Tag, Array.Empty<DicomDataset>())
                    : new DicomElement(key.Tag, key.Vr, ReadOnlyMemory<byte>.Empty));
            }
        }

        return answer;
    }
}
