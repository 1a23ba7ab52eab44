using TbScreen.Inference.Evaluation;
using System.Globalization;
using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Splits;

/// <summary>
/// The split as a CSV file (<c>split,file,label,source</c>), file relative to the data root (the manifest's
/// folder or the layout folder), so a run can be reproduced exactly on another machine.
/// </summary>
public static class SplitFile
{
    public const string Header = "split,file,label,source";

    public static void Write(string path, IReadOnlyDictionary<CxrRecord, SplitName> assignment, string dataRoot)
    {
        using var writer = new StreamWriter(path);
        writer.NewLine = "\n";
        writer.WriteLine(Header);
        foreach (var (record, split) in assignment.OrderBy(p => p.Value).ThenBy(p => Relative(p.Key, dataRoot), StringComparer.Ordinal))
        {
            writer.WriteLine(string.Join(",",
                SplitNames.ToText(split),
                CsvReader.Escape(Relative(record, dataRoot)),
                record.Label.ToString(CultureInfo.InvariantCulture),
                CsvReader.Escape(record.Source ?? "")));
        }
    }

    /// <summary>The short form shipped as models/split.csv: no label or source to cross-check.</summary>
    public const string ShortHeader = "file,split";

    /// <summary>
    /// Re-applies a written split to freshly read records; every record must be listed (with the same label, where the
    /// file has the full split,file,label,source header; the shipped file,split form carries no label).
    /// </summary>
    public static IReadOnlyDictionary<CxrRecord, SplitName> Read(string path, IReadOnlyList<CxrRecord> records, string dataRoot)
    {
        var byFile = records.ToDictionary(r => Relative(r, dataRoot), StringComparer.Ordinal);
        var assignment = new Dictionary<CxrRecord, SplitName>(ReferenceEqualityComparer.Instance);
        using var reader = new StreamReader(path);
        int line = 0;
        bool shortForm = false;
        foreach (string[] fields in CsvReader.ReadRows(reader))
        {
            string[] row = fields;
            line++;
            if (line == 1)
            {
                shortForm = string.Join(",", row) == ShortHeader;
                if (!shortForm && string.Join(",", row) != Header)
                {
                    throw new DatasetException($"split file header must be '{Header}' or '{ShortHeader}'", path, line);
                }

                continue;
            }

            if (shortForm)
            {
                row = row.Length == 2 ? [row[1], row[0], ""] : throw new DatasetException("expected file,split", path, line);
            }

            if (row.Length < 3)
            {
                throw new DatasetException("expected split,file,label,source", path, line);
            }

            if (!byFile.TryGetValue(row[1], out var record))
            {
                throw new DatasetException($"'{row[1]}' is not in the dataset", path, line);
            }

            if (!shortForm && row[2] != record.Label.ToString(CultureInfo.InvariantCulture))
            {
                throw new DatasetException($"'{row[1]}' has label {row[2]} here but {record.Label} in the dataset", path, line);
            }

            SplitName split;
            try
            {
                split = SplitNames.Parse(row[0]);
            }
            catch (FormatException e)
            {
                throw new DatasetException(e.Message, path, line);
            }

            assignment[record] = split;
        }

        var missing = records.Where(r => !assignment.ContainsKey(r)).Take(3).Select(r => Relative(r, dataRoot)).ToList();
        return missing.Count == 0
            ? assignment
            : throw new DatasetException($"the split file does not cover every image (e.g. {string.Join(", ", missing)})", path);
    }

    /// <summary>The folder file paths are written relative to: the manifest's folder, or the layout folder itself.</summary>
    public static string DataRoot(string dataPath) => ManifestSet.DataRoot(dataPath);

    /// <summary>A record's name in split files and predictions.csv: its path relative to the data root, with forward slashes.</summary>
    public static string Relative(CxrRecord record, string dataRoot) =>
        Path.GetRelativePath(dataRoot, record.Path).Replace('\\', '/');
}
