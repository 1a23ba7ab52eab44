using TbScreen.Dicom;
using TbScreen.Dicom.Querying;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>A study that holds result objects (SRs and heatmap captures), as a search sees it.</summary>
/// <param name="Header">The study-level attributes, read from one of its objects (they carry the source's study module).</param>
public sealed record ResultStudy(string StudyInstanceUid, DicomDataset Header, IReadOnlyList<string> Modalities, int Series, int Objects);

/// <summary>
/// The one study search over our result objects, for QIDO-RS and C-FIND alike: the newest
/// <see cref="MaxObjects"/> objects grouped by study, each study matched by a <see cref="StudyQuery"/>.
/// </summary>
public sealed class ResultStudies(DicomOutboxStore objects, ContentStore content)
{
    public const int MaxObjects = 5000;

    public async Task<IReadOnlyList<ResultStudy>> FindAsync(StudyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await objects.ObjectsAsync(MaxObjects, study: query.SingleStudy, cancellationToken: cancellationToken);
        return rows.GroupBy(r => r.StudyInstanceUid)
            .Select(g => new ResultStudy(g.Key, Header(content, g.First()), g.Select(r => r.Kind == "sr" ? "SR" : "OT").Distinct().Order(StringComparer.Ordinal).ToList(),
                g.Select(r => r.SeriesInstanceUid).Distinct().Count(), g.Count()))
            .Where(s => query.Matches(s.Header, s.Modalities))
            .ToList();
    }

    /// <summary>The object's attributes from the content store; empty when its bytes are gone (purged).</summary>
    public static DicomDataset Header(ContentStore content, DicomDeliveryInfo row)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(row);
        return content.Get(row.ContentSha256) is { } bytes ? new DicomReader().Parse(bytes, row.SopInstanceUid).Dataset : new DicomDataset();
    }
}
