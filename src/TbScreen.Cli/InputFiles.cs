using TbScreen.Dicom;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Cli;

internal static class InputFiles
{
    /// <summary>Fails with the documented one-line error when the input does not exist.</summary>
    public static string Require(string path)
    {
        if (Directory.Exists(path))
        {
            throw new DicomException("is a directory, not a file", path);
        }

        if (!File.Exists(path))
        {
            throw new DicomException("file not found", path);
        }

        return path;
    }

    /// <summary><see cref="Require"/> for each manifest of a comma-separated list (<see cref="ManifestSet"/>); returns the list.</summary>
    public static string RequireManifests(string data)
    {
        foreach (string part in ManifestSet.Parts(data))
        {
            Require(part);
        }

        return data;
    }
}
