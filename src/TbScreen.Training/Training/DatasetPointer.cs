using TbScreen.Inference.Evaluation;
using TbScreen.Training.Data;

namespace TbScreen.Training.Training;

/// <summary>
/// dataset.json in a training output folder: which dataset the run used, so that `export-onnx` can score
/// the validation split without being told again.
/// </summary>
public static class DatasetPointer
{
    public const string FileName = "dataset.json";

    private sealed record Pointer(string Data);

    public static void Write(string outputDirectory, string dataPath) =>
        TrainingJson.Write(Path.Combine(outputDirectory, FileName), new Pointer(string.Join(",", ManifestSet.Parts(dataPath).Select(Path.GetFullPath))));

    /// <summary>The dataset path recorded beside <paramref name="checkpointPath"/>; fails naming the file when there is none.</summary>
    public static string Read(string checkpointPath)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, FileName);
        if (!File.Exists(path))
        {
            throw new DatasetException("no dataset recorded beside the checkpoint; pass --data", path);
        }

        return TrainingJson.Read<Pointer>(path).Data;
    }
}
