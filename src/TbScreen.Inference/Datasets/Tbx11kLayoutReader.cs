namespace TbScreen.Inference.Datasets;

/// <summary>
/// The TBX11K layout (Liu et al., CVPR 2020): <c>imgs/{health,sick,tb}/*.png</c> plus <c>lists/*.txt</c>
/// (e.g. TBX11K_train.txt, TBX11K_val.txt) whose lines name images relative to imgs/ ("tb/tb0003.png").
/// health and sick (sick but not TB) are label 0, tb is label 1; imgs/test (unlabelled) and imgs/extra
/// (other sets) are not read. With a list name only that list's images are read, otherwise all three folders.
/// </summary>
public static class Tbx11kLayoutReader
{
    private static readonly Dictionary<string, int> Categories = new(StringComparer.Ordinal)
    {
        ["health"] = CxrRecord.NotTb,
        ["sick"] = CxrRecord.NotTb,
        ["tb"] = CxrRecord.Tb,
    };

    public static bool Matches(string root) => Directory.Exists(Path.Combine(root, "imgs", "tb")) || Directory.Exists(Path.Combine(root, "imgs", "health"));

    public static IReadOnlyList<CxrRecord> Read(string root, string? listName = null)
    {
        string imgs = Path.Combine(Path.GetFullPath(root), "imgs");
        if (!Directory.Exists(imgs))
        {
            throw new DatasetException("no imgs folder: not a TBX11K layout", root);
        }

        IEnumerable<string> relative = listName is null ? AllImages(imgs) : ListedImages(root, listName);
        var records = new List<CxrRecord>();
        foreach (string entry in relative)
        {
            string category = entry.Split('/')[0];
            if (!Categories.TryGetValue(category, out int label))
            {
                continue;
            }

            string path = Path.Combine(imgs, entry.Replace('/', Path.DirectorySeparatorChar));
            string stem = Path.GetFileNameWithoutExtension(entry);
            records.Add(new CxrRecord(path, label, null, null, "tbx11k", "tbx11k:" + stem, stem, category));
        }

        return records;
    }

    private static IEnumerable<string> AllImages(string imgs) =>
        Categories.Keys
            .Where(c => Directory.Exists(Path.Combine(imgs, c)))
            .SelectMany(c => Directory.EnumerateFiles(Path.Combine(imgs, c)).Select(f => c + "/" + Path.GetFileName(f)))
            .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> ListedImages(string root, string listName)
    {
        string list = Path.Combine(root, "lists", listName.EndsWith(".txt", StringComparison.Ordinal) ? listName : listName + ".txt");
        if (!File.Exists(list))
        {
            throw new DatasetException("TBX11K list not found", list);
        }

        return File.ReadAllLines(list).Select(l => l.Trim().Replace('\\', '/')).Where(l => l.Length > 0);
    }
}
