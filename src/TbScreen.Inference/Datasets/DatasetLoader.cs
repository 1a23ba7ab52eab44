using TbScreen.Inference.Evaluation;

namespace TbScreen.Inference.Datasets;

/// <summary>
/// Picks the reader for a path: a .csv file is a manifest; a folder is its own manifest.csv if it has one, else NLM,
/// TBX11K or label folders. Several paths separated by commas are read as one dataset (<see cref="ManifestSet"/>):
/// training on every source at once.
/// </summary>
public static class DatasetLoader
{
    public static IReadOnlyList<CxrRecord> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var parts = ManifestSet.Parts(path);
        if (parts.Count > 1)
        {
            var records = parts.SelectMany(LoadOne).ToList();
            var clash = records.GroupBy(r => r.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            return clash is null ? records : throw new DatasetException("is listed by more than one of the manifests", clash.Key);
        }

        return LoadOne(path);
    }

    private static IReadOnlyList<CxrRecord> LoadOne(string path)
    {
        if (File.Exists(path))
        {
            return ManifestCsvReader.Read(path);
        }

        if (!Directory.Exists(path))
        {
            throw new DatasetException("no such manifest or folder", Path.GetFullPath(path));
        }

        if (ManifestIn(path) is { } manifest)
        {
            return ManifestCsvReader.Read(manifest);
        }

        if (NlmLayoutReader.Matches(path))
        {
            return NlmLayoutReader.Read(path);
        }

        return Tbx11kLayoutReader.Matches(path) ? Tbx11kLayoutReader.Read(path) : LabelFolderReader.Read(path);
    }

    /// <summary>
    /// The folder's own <c>manifest.csv</c>, if it has one: a folder named instead of its manifest reads as the
    /// manifest (our data folders, `../shared/data/shenzhen`), before any layout is guessed.
    /// </summary>
    public static string? ManifestIn(string folder)
    {
        string manifest = Path.Combine(folder, ManifestFileName);
        return File.Exists(manifest) ? manifest : null;
    }

    public const string ManifestFileName = "manifest.csv";
}
