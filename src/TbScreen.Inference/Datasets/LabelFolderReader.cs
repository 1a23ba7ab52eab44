namespace TbScreen.Inference.Datasets;

/// <summary>
/// Plain <c>root/&lt;label&gt;/*</c>: the folder name is the label, "1"/"tb"/"tuberculosis" = TB and
/// "0"/"normal"/"non-tb"/"healthy" = not TB. Each file is its own patient (no better information).
/// </summary>
public static class LabelFolderReader
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".dcm", ".dicom"];

    public static IReadOnlyList<CxrRecord> Read(string root)
    {
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DatasetException("folder not found", full);
        }

        var records = new List<CxrRecord>();
        foreach (string folder in Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(folder);
            int label = LabelOf(name) ?? throw new DatasetException($"sub-folder '{name}' is not a label (use 0/1, normal/tb)", full);
            foreach (string file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                if (ImageExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
                {
                    string stem = Path.GetFileNameWithoutExtension(file);
                    records.Add(new CxrRecord(file, label, null, null, null, "folder:" + name + "/" + stem, stem));
                }
            }
        }

        return records.Count > 0 ? records : throw new DatasetException("no images under label sub-folders", full);
    }

    public static int? LabelOf(string folderName) => folderName.ToLowerInvariant() switch
    {
        "1" or "tb" or "tuberculosis" or "positive" => CxrRecord.Tb,
        "0" or "normal" or "non-tb" or "nontb" or "healthy" or "negative" => CxrRecord.NotTb,
        _ => null,
    };
}
