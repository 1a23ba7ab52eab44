using System.Globalization;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Audit;

/// <summary>
/// Reads audit inputs: `tbscreen evaluate`'s predictions.csv (file,label,source,&lt;members&gt;,ensemble,decision,flags)
/// and attribute tables (a manifest, or a demographics file such as the Shenzhen metadata) keyed by `file` or
/// `original_id`, with optional label, sex, age, source and manufacturer columns.
/// </summary>
public static class CaseTables
{
    /// <summary>Attributes of one row of an attribute table; Label is null where the table has no label column.</summary>
    public sealed record AttributeRow(string Key, bool? Label, string? Sex, double? Age, string? Source, string? Manufacturer, string? Model = null);

    public static IReadOnlyList<AuditCase> ReadPredictions(string path) => ReadPredictions(path, "ensemble", requireDecision: true);

    /// <summary>
    /// A predictions.csv scored by <paramref name="scoreColumn"/> (the ensemble, or a member's column). Without
    /// <paramref name="requireDecision"/> a missing decision column reads as "not called" (comparisons use scores only).
    /// </summary>
    public static IReadOnlyList<AuditCase> ReadPredictions(string path, string scoreColumn, bool requireDecision)
    {
        var (header, rows) = Read(path);
        int file = Column(header, path, "file");
        int label = Column(header, path, "label");
        int score = Column(header, path, scoreColumn.Trim().ToLowerInvariant());
        int decision = requireDecision ? Column(header, path, "decision") : header.IndexOf("decision");
        int source = header.IndexOf("source");
        return rows.Select(r => new AuditCase(
            r.Fields[file].Trim(),
            Label(r.Fields[label], path, r.Line) ?? throw new ManifestException(path, "empty label", r.Line),
            double.TryParse(r.Fields[score], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                ? value : throw new ManifestException(path, $"{scoreColumn} score '{r.Fields[score]}' is not a number", r.Line),
            decision >= 0 && (Label(r.Fields[decision], path, r.Line) ?? throw new ManifestException(path, "empty decision", r.Line)),
            source >= 0 ? Text(r.Fields[source]) : null)).ToList();
    }

    /// <summary>
    /// The attribute table at <paramref name="path"/>: a CSV, a folder's own manifest.csv, or a dataset folder as
    /// distributed (NLM, TBX11K, label folders; <see cref="ManifestReader"/>), whose rows are keyed by their path
    /// relative to the folder.
    /// </summary>
    public static IReadOnlyList<AttributeRow> ReadAttributes(string path)
    {
        if (Directory.Exists(path))
        {
            return Inference.Datasets.DatasetLoader.ManifestIn(path) is { } manifest
                ? ReadAttributes(manifest)
                : ManifestReader.Read(path).Select(r => new AttributeRow(Normalise(r.File), r.IsTb, r.Sex, r.Age, r.Source, null)).ToList();
        }

        var (header, rows) = Read(path);
        int key = header.IndexOf("file") is int f and >= 0 ? f : Column(header, path, "original_id");
        int label = header.IndexOf("label");
        int sex = header.IndexOf("sex");
        int age = header.IndexOf("age");
        int source = header.IndexOf("source");
        int manufacturer = header.IndexOf("manufacturer");
        int model = header.IndexOf("model");
        return rows.Select(r => new AttributeRow(
            Normalise(r.Fields[key]),
            label >= 0 ? Label(r.Fields[label], path, r.Line) : null,
            sex >= 0 ? Text(r.Fields[sex]) : null,
            age >= 0 && double.TryParse(r.Fields[age], NumberStyles.Float, CultureInfo.InvariantCulture, out double a) ? a : null,
            source >= 0 ? Text(r.Fields[source]) : null,
            manufacturer >= 0 ? Text(r.Fields[manufacturer]) : null,
            model >= 0 ? Text(r.Fields[model]) : null)).ToList();
    }

    /// <summary>Adds sex, age, manufacturer (and source where the scores lack it) from the table, matched by file.</summary>
    public static IReadOnlyList<AuditCase> Join(IReadOnlyList<AuditCase> cases, IReadOnlyList<AttributeRow> attributes)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(attributes);
        var byKey = attributes.GroupBy(a => a.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return cases.Select(c => byKey.TryGetValue(Normalise(c.File), out var a)
            ? c with { Sex = a.Sex, Age = a.Age, Manufacturer = a.Manufacturer, ScannerModel = a.Model, Source = c.Source ?? a.Source }
            : c).ToList();
    }

    /// <summary>Labelled rows without scores, for --demographics-only; rows without a label are an error.</summary>
    public static IReadOnlyList<AuditCase> Unscored(IReadOnlyList<AttributeRow> rows, string path) =>
        rows.Select(r => new AuditCase(r.Key, r.Label ?? throw new ManifestException(path, $"'{r.Key}' has no label (needs a label column)"), 0, false, r.Source, r.Sex, r.Age, r.Manufacturer, r.Model)).ToList();

    private static (List<string> Header, List<(int Line, List<string> Fields)> Rows) Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, $"cannot read: {e.Message}");
        }

        if (lines.Length == 0)
        {
            throw new ManifestException(path, "empty: expected a header line");
        }

        var header = CsvReader.SplitLine(lines[0].TrimStart('\uFEFF')).Select(h => h.Trim().ToLowerInvariant()).ToList();
        var rows = new List<(int, List<string>)>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var fields = CsvReader.SplitLine(lines[i]);
            if (fields.Count < header.Count)
            {
                throw new ManifestException(path, $"{fields.Count} fields but the header has {header.Count}", i + 1);
            }

            rows.Add((i + 1, fields));
        }

        return (header, rows);
    }

    private static int Column(List<string> header, string path, string name) => header.IndexOf(name) is int i and >= 0
        ? i : throw new ManifestException(path, $"header has no '{name}' column (found: {string.Join(",", header)})", 1);

    private static bool? Label(string text, string path, int line) => text.Trim() switch
    {
        "1" => true,
        "0" => false,
        "" => null,
        var other => throw new ManifestException(path, $"'{other}' must be 1 or 0", line),
    };

    private static string? Text(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Normalise(string file) => file.Trim().Replace('\\', '/');
}
