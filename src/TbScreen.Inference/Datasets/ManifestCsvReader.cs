using TbScreen.Inference.Evaluation;
namespace TbScreen.Inference.Datasets;

/// <summary>
/// Reads a manifest CSV: required columns <c>file,label</c>; optional <c>sex,age,source,original_id,patient_id,finding_labels</c>;
/// other columns are ignored. File paths are relative to the manifest's folder (absolute paths are kept).
/// </summary>
public static class ManifestCsvReader
{
    public static IReadOnlyList<CxrRecord> Read(string manifestPath)
    {
        string fullPath = Path.GetFullPath(manifestPath);
        if (!File.Exists(fullPath))
        {
            throw new DatasetException("manifest not found", fullPath);
        }

        string folder = Path.GetDirectoryName(fullPath)!;
        using var reader = new StreamReader(fullPath);
        using var rows = CsvReader.ReadRows(reader).GetEnumerator();
        if (!rows.MoveNext())
        {
            throw new DatasetException("manifest is empty", fullPath);
        }

        var columns = Columns(rows.Current, fullPath);
        var records = new List<CxrRecord>();
        int line = 1;
        while (rows.MoveNext())
        {
            line++;
            string[] row = rows.Current;
            string Get(string name) => columns.TryGetValue(name, out int i) && i < row.Length ? row[i].Trim() : "";

            string file = Get("file");
            if (file.Length == 0)
            {
                throw new DatasetException("empty 'file'", fullPath, line);
            }

            int label = Get("label") switch
            {
                "1" => CxrRecord.Tb,
                "0" => CxrRecord.NotTb,
                var other => throw new DatasetException($"label '{other}' is not 0 or 1", fullPath, line),
            };
            string? source = NullIfEmpty(Get("source"));
            string? originalId = NullIfEmpty(Get("original_id"));
            string patient = NullIfEmpty(Get("patient_id")) ?? PatientIds.Derive(source, originalId, file);
            records.Add(new CxrRecord(
                Path.GetFullPath(Path.Combine(folder, file)),
                label,
                Demographics.ParseSex(Get("sex")),
                Demographics.ParseYears(Get("age"), fullPath, line),
                source,
                patient,
                originalId,
                NullIfEmpty(Get("finding_labels"))));
        }

        return records;
    }

    private static Dictionary<string, int> Columns(string[] header, string path)
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
                throw new DatasetException($"header lacks the '{required}' column (found: {string.Join(",", header)})", path, 1);
            }
        }

        return columns;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
