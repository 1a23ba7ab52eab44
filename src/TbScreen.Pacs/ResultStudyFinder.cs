using TbScreen.Dicom;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Dicom.Querying;
using TbScreen.Dicom.Writing;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs;

/// <summary>
/// Study-level C-FIND over our result objects (Study Root FIND), so a PACS, RIS or viewer can ask the node which of
/// its studies have TbScreen results. The identifier's keys match as QIDO-RS's do (<see cref="DicomQuery"/>), and each
/// answer holds exactly the keys the identifier lists. Every search is audited: the answers carry patient names and IDs.
/// </summary>
public sealed class ResultStudyFinder(ResultStudies studies, IScreeningStore store) : IQueryHandler
{
    public const string AuditAction = "dicom.cfind";

    private const uint QueryRetrieveLevel = 0x00080052;
    private const uint NumberOfStudyRelatedSeries = 0x00201206;
    private const uint NumberOfStudyRelatedInstances = 0x00201208;

    public async Task<IReadOnlyList<DicomDataset>> FindStudiesAsync(DicomDataset identifier, string callingAeTitle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var query = DicomQuery.FromIdentifier(identifier);
        var matches = await studies.FindAsync(query, cancellationToken);
        await store.RecordAsync($"dicom:{callingAeTitle}", AuditAction, "dicom/c-find",
            $"study level, keys {string.Join(",", query.Matchers.Select(m => m.Tag.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)))}: {matches.Count} matches", cancellationToken);
        return matches.Select(m => Answer(identifier, m)).ToList();
    }

    private static DicomDataset Answer(DicomDataset identifier, ResultStudy study)
    {
        var answer = new DicomDataset();
        if (study.Header[DicomTag.SpecificCharacterSet] is { } charset)
        {
            answer.Set(charset);
        }

        foreach (var key in identifier.Elements.Where(e => e.Tag != DicomTag.SpecificCharacterSet))
        {
            switch (key.Tag)
            {
                case QueryRetrieveLevel:
                    answer.AddString(QueryRetrieveLevel, "CS", "STUDY");
                    break;
                case DicomQuery.ModalitiesInStudy:
                    answer.AddString(DicomQuery.ModalitiesInStudy, "CS", string.Join('\\', study.Modalities));
                    break;
                case NumberOfStudyRelatedSeries:
                    answer.AddString(NumberOfStudyRelatedSeries, "IS", study.Series.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case NumberOfStudyRelatedInstances:
                    answer.AddString(NumberOfStudyRelatedInstances, "IS", study.Objects.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    answer.Set(study.Header[key.Tag] is { Items: null } value ? value
                        : key.Items is not null ? new DicomElement(key.Tag, Array.Empty<DicomDataset>())
                        : new DicomElement(key.Tag, key.Vr, ReadOnlyMemory<byte>.Empty));
                    break;
            }
        }

        return answer;
    }
}
