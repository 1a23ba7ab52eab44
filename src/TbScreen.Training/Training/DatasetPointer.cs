using System.Text.Json.Serialization;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Splits;

namespace TbScreen.Training.Training;

/// <summary>
/// dataset.json in a training output folder: which dataset the run used, and the sources it left out
/// (`train --exclude-source`), so that `export-onnx` can score the run's own validation split without being told again.
/// </summary>
public static class DatasetPointer
{
    public const string FileName = "dataset.json";

    private sealed record Pointer(string Data, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? ExcludedSources = null);

    public static void Write(string outputDirectory, string dataPath, IReadOnlyCollection<string>? excludedSources = null) =>
        TrainingJson.Write(Path.Combine(outputDirectory, FileName), new Pointer(
            string.Join(",", ManifestSet.Parts(dataPath).Select(Path.GetFullPath)),
            excludedSources is { Count: > 0 } ? [.. excludedSources] : null));

    /// <summary>The dataset path recorded beside <paramref name="checkpointPath"/>; fails naming the file when there is none.</summary>
    public static string Read(string checkpointPath) => ReadPointer(checkpointPath).Data;

    /// <summary>
    /// The sources the run beside <paramref name="checkpointPath"/> neither trained nor validated on (none when no
    /// dataset.json is there). Its split.csv still lists them (a split file covers the whole dataset), so whoever
    /// re-reads that split must leave them out again.
    /// </summary>
    private static IReadOnlyList<string> ExcludedSources(string checkpointPath) =>
        File.Exists(PathBeside(checkpointPath)) ? ReadPointer(checkpointPath).ExcludedSources ?? [] : [];

    /// <summary>
    /// Re-reads the split of the run beside <paramref name="checkpointPath"/> without the sources that run left out (those
    /// the data holds: a dataset given without them has nothing to leave out), so that a leave-one-source-out model is
    /// never thresholded, pruned or reported on the hospital it is meant not to have seen.
    /// </summary>
    public static (DatasetSplit Split, IReadOnlyList<string> LeftOut) RunSplit(string dataPath, string splitFile, string checkpointPath)
    {
        var split = DatasetSplit.LoadOrCreate(dataPath, splitFile, new SplitOptions(), writeTo: null);
        var present = split.Records.Select(r => r.Source ?? "").ToHashSet(StringComparer.Ordinal);
        var leftOut = ExcludedSources(checkpointPath).Where(present.Contains).ToList();
        return (split.WithoutSources(leftOut), leftOut);
    }

    private static string PathBeside(string checkpointPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, FileName);

    private static Pointer ReadPointer(string checkpointPath)
    {
        string path = PathBeside(checkpointPath);
        if (!File.Exists(path))
        {
            throw new DatasetException("no dataset recorded beside the checkpoint; pass --data", path);
        }

        return TrainingJson.Read<Pointer>(path);
    }
}
