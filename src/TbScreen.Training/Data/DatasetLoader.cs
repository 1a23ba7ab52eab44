namespace TbScreen.Training.Data;

/// <summary>Picks the reader for a path: a .csv file is a manifest; a folder is NLM, TBX11K or label folders.</summary>
public static class DatasetLoader
{
    public static IReadOnlyList<CxrRecord> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            return ManifestReader.Read(path);
        }

        if (!Directory.Exists(path))
        {
            throw new DatasetException("no such manifest or folder", Path.GetFullPath(path));
        }

        if (NlmLayoutReader.Matches(path))
        {
            return NlmLayoutReader.Read(path);
        }

        return Tbx11kLayoutReader.Matches(path) ? Tbx11kLayoutReader.Read(path) : LabelFolderReader.Read(path);
    }
}
