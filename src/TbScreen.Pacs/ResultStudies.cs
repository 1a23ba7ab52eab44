using System.Collections.Concurrent;
using TbScreen.Dicom;
using TbScreen.Dicom.Querying;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>A patient with result objects, as a Patient Root search sees them: the patient's attributes from one of the objects.</summary>
public sealed record ResultPatient(string PatientId, DicomDataset Header, int Studies, int Series, int Objects);

/// <summary>A study that holds result objects (SRs and heatmap captures), as a search sees it.</summary>
/// <param name="Header">The study-level attributes, read from one of its objects (they carry the source's study module).</param>
public sealed record ResultStudy(string StudyInstanceUid, DicomDataset Header, IReadOnlyList<string> Modalities, int Series, int Objects);

/// <summary>A series of result objects, as a search sees it: its attributes from one of its objects.</summary>
public sealed record ResultSeries(string StudyInstanceUid, string SeriesInstanceUid, DicomDataset Header, int Objects);

/// <summary>One result object, as a search sees it.</summary>
public sealed record ResultInstance(DicomDeliveryInfo Row, DicomDataset Header);

/// <summary>
/// The one study search over our result objects, for QIDO-RS and C-FIND alike: the newest
/// <see cref="MaxObjects"/> objects grouped by study, each study matched by a <see cref="DicomQuery"/>. Each object's
/// attributes are read (and decrypted) once and kept without their pixel data, keyed by content hash: stored content
/// never changes under its hash, and a purged object's entry is dropped at its next lookup.
/// </summary>
/// <param name="capacity">Headers kept at most; beyond it the oldest objects' go first (the search window is the newest).</param>
public sealed class ResultStudies(DicomOutboxStore objects, ContentStore content, int capacity = ResultStudies.MaxObjects)
{
    public const int MaxObjects = 5000;

    private readonly ConcurrentDictionary<string, (DicomDataset Header, long RowId)> _headers = new(StringComparer.Ordinal);
    private readonly object _evicting = new();

    public async Task<IReadOnlyList<ResultStudy>> FindAsync(DicomQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await objects.ObjectsAsync(MaxObjects, study: query.SingleStudy, cancellationToken: cancellationToken);
        return rows.GroupBy(r => r.StudyInstanceUid)
            .Select(g => new ResultStudy(g.Key, CachedHeader(g.First()), g.Select(Modality).Distinct().Order(StringComparer.Ordinal).ToList(),
                g.Select(r => r.SeriesInstanceUid).Distinct().Count(), g.Count()))
            .Where(s => query.Matches(s.Header, s.Modalities))
            .ToList();
    }

    /// <summary>The patients that match a patient-level query (Patient Root C-FIND), grouped by Patient ID.</summary>
    public async Task<IReadOnlyList<ResultPatient>> FindPatientsAsync(DicomQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await objects.ObjectsAsync(MaxObjects, cancellationToken: cancellationToken);
        return rows.Select(r => (Row: r, Header: CachedHeader(r)))
            .Where(o => o.Header.Contains(DicomTag.SopInstanceUid)) // a purged object has no patient left to show
            .GroupBy(o => o.Header.GetString(DicomTag.PatientId)?.Trim() ?? "", StringComparer.Ordinal)
            .Select(g => new ResultPatient(g.Key, g.First().Header, g.Select(o => o.Row.StudyInstanceUid).Distinct().Count(),
                g.Select(o => o.Row.SeriesInstanceUid).Distinct().Count(), g.Count()))
            .Where(p => query.Matches(p.Header, []))
            .ToList();
    }

    /// <summary>The series of <paramref name="study"/> (null: of every study) that match a series-level query.</summary>
    public async Task<IReadOnlyList<ResultSeries>> FindSeriesAsync(DicomQuery query, string? study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await objects.ObjectsAsync(MaxObjects, study: study ?? query.SingleStudy, cancellationToken: cancellationToken);
        var modalities = StudyModalities(rows);
        return rows.GroupBy(r => r.SeriesInstanceUid)
            .Select(g => new ResultSeries(g.First().StudyInstanceUid, g.Key, CachedHeader(g.First()), g.Count()))
            .Where(s => query.Matches(s.Header, modalities[s.StudyInstanceUid]))
            .ToList();
    }

    /// <summary>The objects of a study or series (null: of all) that match an instance-level query.</summary>
    public async Task<IReadOnlyList<ResultInstance>> FindInstancesAsync(DicomQuery query, string? study, string? series, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var rows = await objects.ObjectsAsync(MaxObjects, study: study ?? query.SingleStudy, series: series, cancellationToken: cancellationToken);
        var modalities = StudyModalities(rows);
        return rows.Select(r => new ResultInstance(r, CachedHeader(r)))
            .Where(i => query.Matches(i.Header, modalities[i.Row.StudyInstanceUid]))
            .ToList();
    }

    private static Dictionary<string, List<string>> StudyModalities(IEnumerable<DicomDeliveryInfo> rows) =>
        rows.GroupBy(r => r.StudyInstanceUid).ToDictionary(g => g.Key, g => g.Select(Modality).Distinct().Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    private static string Modality(DicomDeliveryInfo row) => row.Kind == "sr" ? "SR" : "OT";

    /// <summary>
    /// <see cref="Header"/> without Pixel Data, from the cache when present; empty once purged, and then forgotten here
    /// too, so that a patient's attributes never outlive the stored object.
    /// </summary>
    private DicomDataset CachedHeader(DicomDeliveryInfo row)
    {
        if (_headers.TryGetValue(row.ContentSha256, out var cached))
        {
            if (content.Contains(row.ContentSha256))
            {
                return cached.Header;
            }

            _headers.TryRemove(row.ContentSha256, out _);
            return new DicomDataset();
        }

        var header = Header(content, row);
        if (!header.Contains(DicomTag.SopInstanceUid))
        {
            return header; // purged (empty): nothing to keep
        }

        header.Remove(DicomTag.PixelData);
        _headers[row.ContentSha256] = (header, row.Id);
        if (_headers.Count > capacity)
        {
            EvictOldest();
        }

        return header;
    }

    /// <summary>
    /// Back to capacity by dropping the oldest objects' headers. Searches cover the newest objects, so each new object
    /// pushes out the one that just left the window, and nothing that a search still needs is read again.
    /// </summary>
    private void EvictOldest()
    {
        lock (_evicting)
        {
            int excess = _headers.Count - capacity;
            foreach (var key in _headers.OrderBy(e => e.Value.RowId).Take(Math.Max(0, excess)).Select(e => e.Key).ToList())
            {
                _headers.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The object's attributes from the content store; empty when its bytes are gone (purged).</summary>
    public static DicomDataset Header(ContentStore content, DicomDeliveryInfo row)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(row);
        return content.Get(row.ContentSha256) is { } bytes ? new DicomReader().Parse(bytes, row.SopInstanceUid).Dataset : new DicomDataset();
    }
}
