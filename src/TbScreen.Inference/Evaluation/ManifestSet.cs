namespace TbScreen.Inference.Evaluation;

/// <summary>
/// Several datasets read as one: a data argument may list manifests (or layout folders) separated by commas, e.g.
/// <c>../shared/data/cxr/manifest.csv,../shared/data/shenzhen/manifest.csv</c>. Files are then named relative to
/// the folders' common ancestor (<c>cxr/cxr_dev_0001.png</c>, <c>shenzhen/shz_dev_0001.png</c>), so one split file
/// covers every source and training and evaluation agree on the names.
/// </summary>
public static class ManifestSet
{
    /// <summary>The parts of a data argument; a single existing path that happens to contain a comma stays whole.</summary>
    public static IReadOnlyList<string> Parts(string data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        if (File.Exists(data) || Directory.Exists(data) || !data.Contains(','))
        {
            return [data];
        }

        var parts = data.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var duplicate = parts.GroupBy(p => Path.GetFullPath(p), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? parts
            : throw new ManifestException(duplicate.Key, "is listed twice in the data argument");
    }

    /// <summary>The folder a part's files are relative to: a manifest's folder, or the layout folder itself.</summary>
    public static string PartRoot(string part) =>
        File.Exists(part) ? Path.GetDirectoryName(Path.GetFullPath(part))! : Path.GetFullPath(part);

    /// <summary>The folder file names are written relative to: the one part's root, or the parts' common ancestor.</summary>
    public static string DataRoot(string data) => CommonAncestor(Parts(data).Select(PartRoot).ToList());

    public static string CommonAncestor(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0)
        {
            throw new ArgumentException("No folders given.", nameof(folders));
        }

        string[] common = Segments(folders[0]);
        int length = common.Length;
        foreach (string folder in folders.Skip(1))
        {
            string[] segments = Segments(folder);
            int i = 0;
            while (i < length && i < segments.Length && segments[i] == common[i])
            {
                i++;
            }

            length = i;
        }

        string root = Path.GetPathRoot(Path.GetFullPath(folders[0]))!;
        return Path.Combine([root, .. common.Take(length)]);
    }

    private static string[] Segments(string folder)
    {
        string full = Path.GetFullPath(folder);
        return full[Path.GetPathRoot(full)!.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
    }
}
