using TbScreen.Inference.Evaluation;

namespace TbScreen.Inference.Datasets;

/// <summary>One row of a manifest CSV, as both training (<see cref="CxrRecord"/>) and evaluation (<see cref="ManifestRow"/>) see it.</summary>
/// <param name="Line">The row's line in the file (the header is line 1).</param>
/// <param name="File">The file name as written in the manifest.</param>
/// <param name="Path">The file resolved against the manifest's folder.</param>
public sealed record ManifestEntry(
    int Line,
    string File,
    string Path,
    bool IsTb,
    string? Sex,
    double? Age,
    string? Source,
    string PatientId,
    string? OriginalId,
    string? Finding,
    string? Split);

/// <summary>
/// The one manifest CSV parser. Required columns <c>file,label</c> (label 1 = TB, 0 = not); optional
/// <c>sex,age,source,original_id,patient_id,finding_labels,split</c>; other columns are ignored, and a row may end
/// before its trailing optional fields. Fields may be quoted (commas, quotes and line breaks inside). Sex spellings
/// are normalised to M or F (<see cref="Demographics"/>); an age that is not a number of years is an error naming
/// the file and line, as is a bad label or an empty file name.
/// </summary>
public static class ManifestTable
{
    public static IReadOnlyList<ManifestEntry> Read(string manifestPath)
    {
        string fullPath = System.IO.Path.GetFullPath(manifestPath);
        if (!System.IO.File.Exists(fullPath))
        {
            throw new DatasetException("manifest not found", fullPath);
        }

        try
        {
            using var reader = new StreamReader(fullPath);
            return Parse(reader, fullPath);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"not a readable CSV: {e.Message}", fullPath, inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"cannot read: {e.Message}", fullPath, inner: e);
        }
    }

    private static List<ManifestEntry> Parse(TextReader text, string fullPath)
    {
        string folder = System.IO.Path.GetDirectoryName(fullPath)!;
        using var records = CsvReader.ReadRecords(text).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new DatasetException("manifest is empty: expected a header line file,label,...", fullPath);
        }

        var columns = Columns(records.Current.Fields, fullPath, records.Current.Line);
        var entries = new List<ManifestEntry>();
        while (records.MoveNext())
        {
            (int line, string[] row) = (records.Current.Line, records.Current.Fields);
            string Get(string name) => columns.TryGetValue(name, out int i) && i < row.Length ? row[i].Trim() : "";
            if (row.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            string file = Get("file");
            if (file.Length == 0)
            {
                throw new DatasetException("empty 'file'", fullPath, line);
            }

            bool isTb = Get("label") switch
            {
                "1" => true,
                "0" => false,
                var other => throw new DatasetException($"label '{other}' must be 1 (TB) or 0 (not TB)", fullPath, line),
            };
            string? source = NullIfEmpty(Get("source"));
            string? originalId = NullIfEmpty(Get("original_id"));
            entries.Add(new ManifestEntry(
                line,
                file,
                System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, file.Replace('\\', '/'))),
                isTb,
                Demographics.ParseSex(Get("sex")),
                Demographics.ParseYears(Get("age"), fullPath, line),
                source,
                NullIfEmpty(Get("patient_id")) ?? PatientIds.Derive(source, originalId, file),
                originalId,
                NullIfEmpty(Get("finding_labels")),
                NullIfEmpty(Get("split"))));
        }

        return entries;
    }

    private static Dictionary<string, int> Columns(string[] header, string path, int line)
    {
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Length; i++)
        {
            columns.TryAdd(header[i].Trim().TrimStart('\uFEFF'), i);
        }

        foreach (string required in new[] { "file", "label" })
        {
            if (!columns.ContainsKey(required))
            {
                throw new DatasetException($"header has no '{required}' column (found: {string.Join(",", header)})", path, line);
            }
        }

        return columns;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
