using TbScreen.Inference.Datasets;

namespace TbScreen.Inference.Evaluation;

/// <summary>
/// Reads the evaluation manifest: a CSV with header `file,label[,sex,age,source,split,...]`, label 1 = TB, 0 = not,
/// paths relative to the manifest; or a folder: its own manifest.csv if it has one, else a dataset as its owners
/// distribute it (NLM Shenzhen/Montgomery, TBX11K, or `&lt;label&gt;/*`), read by the same <see cref="DatasetLoader"/>
/// that training uses.
/// </summary>
public static class ManifestReader
{
    /// <param name="manifestPath">One manifest or dataset folder, or several separated by commas (<see cref="ManifestSet"/>):
    /// then each row's <see cref="ManifestRow.File"/> is relative to their common folder. A folder's rows are named
    /// relative to the folder (<c>CXR_png/MCUCXR_0001_0.png</c>) and have no line number (0) and no split.</param>
    public static IReadOnlyList<ManifestRow> Read(string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        var parts = ManifestSet.Parts(manifestPath);
        if (parts.Count > 1)
        {
            string root = ManifestSet.DataRoot(manifestPath);
            return parts.SelectMany(part => ReadPart(part).Select(row => row with
            {
                File = System.IO.Path.GetRelativePath(root, row.Path).Replace('\\', '/'),
            })).ToList();
        }

        return ReadPart(manifestPath);
    }

    private static IReadOnlyList<ManifestRow> ReadPart(string part) =>
        !Directory.Exists(part) ? ReadOne(part)
        : DatasetLoader.ManifestIn(part) is { } manifest ? ReadOne(manifest)
        : ReadFolder(part);

    private static IReadOnlyList<ManifestRow> ReadFolder(string folder)
    {
        string root = Path.GetFullPath(folder);
        return DatasetLoader.Load(root).Select(record => new ManifestRow(
            0,
            Path.GetRelativePath(root, record.Path).Replace('\\', '/'),
            record.Path,
            record.Label == CxrRecord.Tb,
            record.Source ?? "unknown",
            record.Sex,
            record.Age,
            null,
            record.Finding)).ToList();
    }

    /// <summary>The manifest through the one parser training uses too (<see cref="ManifestTable"/>), its errors as <see cref="ManifestException"/>.</summary>
    private static IReadOnlyList<ManifestRow> ReadOne(string manifestPath)
    {
        IReadOnlyList<ManifestEntry> entries;
        try
        {
            entries = ManifestTable.Read(manifestPath);
        }
        catch (DatasetException e)
        {
            throw new ManifestException(e.FilePath ?? manifestPath, e.Reason, e.Line);
        }

        return entries.Select(e => new ManifestRow(e.Line, e.File, e.Path, e.IsTb, e.Source ?? "unknown", e.Sex, e.Age, e.Split, e.Finding)).ToList();
    }

    /// <summary>
    /// Keeps the rows of one split. With a split file (CSV `file,split`, file as written in the manifest) that file
    /// decides; without one, the manifest's own `split` column does. Rows the split file does not list are dropped.
    /// </summary>
    public static IReadOnlyList<ManifestRow> Filter(IReadOnlyList<ManifestRow> rows, string split, string? splitFile, string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(split);
        Dictionary<string, string>? assignment = splitFile is null ? null : ReadSplitFile(splitFile);
        if (assignment is null && rows.Count > 0 && rows.All(r => r.Split is null))
        {
            throw new ManifestException(manifestPath, "has no 'split' column; pass --split-file");
        }

        var kept = rows.Where(r => (assignment is null ? r.Split : SplitOf(r, assignment)) == split).ToList();
        if (kept.Count == 0)
        {
            throw new ManifestException(splitFile ?? manifestPath, $"no rows in split '{split}'");
        }

        return kept;
    }

    /// <summary>
    /// The row's split: by its name in the manifest, or else by its path relative to a folder above the manifest's, so a
    /// split file written for several manifests at once (<see cref="ManifestSet"/>) also serves one of them alone.
    /// </summary>
    private static string? SplitOf(ManifestRow row, Dictionary<string, string> assignment)
    {
        if (assignment.TryGetValue(Normalise(row.File), out var split))
        {
            return split;
        }

        for (var folder = Directory.GetParent(row.Path)?.Parent; folder is not null; folder = folder.Parent)
        {
            if (assignment.TryGetValue(Normalise(System.IO.Path.GetRelativePath(folder.FullName, row.Path)), out split))
            {
                return split;
            }
        }

        return null;
    }

    private static Dictionary<string, string> ReadSplitFile(string path)
    {
        string[] lines = ReadLines(path);
        var header = lines.Length == 0 ? [] : CsvReader.SplitLine(lines[0].TrimStart('\uFEFF')).Select(h => h.Trim().ToLowerInvariant()).ToList();
        int file = Column(header, "file", path, required: true);
        int split = Column(header, "split", path, required: true);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var f = CsvReader.SplitLine(lines[i]);
            if (f.Count <= Math.Max(file, split))
            {
                throw new ManifestException(path, "too few fields", i + 1);
            }

            map[Normalise(f[file])] = f[split].Trim();
        }

        return map;
    }

    private static string Normalise(string file) => file.Trim().Replace('\\', '/');

    private static int Column(List<string> header, string name, string path, bool required = false)
    {
        int index = header.IndexOf(name);
        if (index < 0 && required)
        {
            throw new ManifestException(path, $"header has no '{name}' column (found: {string.Join(",", header)})", 1);
        }

        return index;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, $"cannot read: {e.Message}");
        }
    }
}
