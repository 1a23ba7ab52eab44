using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Splits;

/// <summary>A dataset with its split: either re-read from a split file or made from a seed and written out.</summary>
public sealed record DatasetSplit(IReadOnlyList<CxrRecord> Records, IReadOnlyDictionary<CxrRecord, SplitName> Assignment, string DataRoot)
{
    public const string DefaultFileName = "split.csv";

    /// <param name="dataPath">A manifest CSV or a layout folder (see <see cref="DatasetLoader"/>).</param>
    /// <param name="splitFile">An existing split file to reuse, or null to split with <paramref name="options"/>.</param>
    /// <param name="writeTo">Where to write the split used (may equal <paramref name="splitFile"/>), or null.</param>
    public static DatasetSplit LoadOrCreate(string dataPath, string? splitFile, SplitOptions options, string? writeTo)
    {
        var records = DatasetLoader.Load(dataPath);
        string root = SplitFile.DataRoot(dataPath);
        var assignment = splitFile is null ? PatientSplitter.Split(records, options) : SplitFile.Read(splitFile, records, root);
        if (writeTo is not null && !SamePath(writeTo, splitFile))
        {
            SplitFile.Write(writeTo, assignment, root);
        }

        return new DatasetSplit(records, assignment, root);
    }

    /// <summary>
    /// The same split without these sources (leave-one-source-out): their images are neither trained nor validated on,
    /// so the left-out source shows what a hospital the model never saw gets. Unknown names fail: a typo would
    /// otherwise silently leave nothing out.
    /// </summary>
    public DatasetSplit WithoutSources(IReadOnlyCollection<string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            return this;
        }

        var known = Records.Select(r => r.Source ?? "").ToHashSet(StringComparer.Ordinal);
        var unknown = sources.Where(s => !known.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"--exclude-source: no source named {string.Join(", ", unknown)} (sources: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
        }

        var kept = Records.Where(r => !sources.Contains(r.Source ?? "")).ToList();
        var assignment = kept.Where(Assignment.ContainsKey).ToDictionary(r => r, r => Assignment[r], (IEqualityComparer<CxrRecord>)ReferenceEqualityComparer.Instance);
        return new DatasetSplit(kept, assignment, DataRoot);
    }

    public int Count(SplitName split, int? label = null) =>
        Assignment.Count(p => p.Value == split && (label is null || p.Key.Label == label));

    private static bool SamePath(string a, string? b) =>
        b is not null && string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);
}
