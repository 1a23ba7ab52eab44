using TbScreen.Dicom;
using TbScreen.Inference.Datasets;
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

    /// <summary>
    /// Checks each part of a data argument (<see cref="ManifestSet"/>): a manifest file or a dataset folder in a layout
    /// <see cref="DatasetLoader"/> reads. Returns the argument.
    /// </summary>
    public static string RequireData(string data)
    {
        foreach (string part in ManifestSet.Parts(data))
        {
            if (!Directory.Exists(part) && !File.Exists(part))
            {
                throw new DatasetException("no such manifest or dataset folder", part);
            }
        }

        return data;
    }
}
