using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Training;

/// <summary>
/// Where a training run stands after its last finished epoch: everything the next epoch reads, so that a run stopped
/// between epochs (a session ending, a crash, Ctrl+C) continues with exactly the weights, optimiser moments, random
/// streams, training order (shuffling permutes the previous epoch's order) and early-stopping state it would have had.
/// Written as resume.json after each epoch; its state files (resume-K.*) are written first, so a run killed mid-save
/// still resumes from the previous epoch.
/// </summary>
public sealed record ResumePoint(
    int Epoch,
    TrainingOptions Options,
    string SplitFingerprint,
    IReadOnlyList<EpochRecord> History,
    int? BestEpoch,
    double? BestValAuc,
    string? WeightsFile,
    string? OptimizerFile,
    string? TorchRandomState,
    string? DefenceRandomState,
    IReadOnlyList<double>? GroupDroWeights,
    IReadOnlyList<int>? TrainOrder)
{
    public const string FileName = "resume.json";

    /// <summary>Epochs since the best one; every epoch when there is no validation AUC.</summary>
    public int SinceBest => Epoch - (BestEpoch ?? 0);

    public bool StoppedEarly => !Options.SkipValidation && SinceBest >= Options.Patience;

    /// <summary>Nothing is left to train: the last epoch is done, or early stopping ended the run.</summary>
    public bool Finished => StoppedEarly || Epoch >= Options.Epochs;

    public static string PathIn(string directory) => System.IO.Path.Combine(directory, FileName);

    public static ResumePoint? TryRead(string directory)
    {
        string path = PathIn(directory);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return TrainingJson.Read<ResumePoint>(path);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new TrainingResumeException(directory, $"{FileName} is not a readable resume point ({e.Message})");
        }
    }

    /// <summary>Writes the state files of <paramref name="epoch"/>, then resume.json, then removes the previous epoch's files.</summary>
    public void Save(string directory, Action<string> saveWeights, Action<string> saveOptimizer)
    {
        ArgumentNullException.ThrowIfNull(saveWeights);
        ArgumentNullException.ThrowIfNull(saveOptimizer);
        var previous = TryRead(directory);
        ResumePoint written = this;
        if (!Finished)
        {
            written = this with { WeightsFile = $"resume-{Epoch}.weights.pt", OptimizerFile = $"resume-{Epoch}.optimizer.pt" };
            saveWeights(System.IO.Path.Combine(directory, written.WeightsFile!));
            saveOptimizer(System.IO.Path.Combine(directory, written.OptimizerFile!));
        }

        string path = PathIn(directory), temporary = path + ".tmp";
        TrainingJson.Write(temporary, written);
        File.Move(temporary, path, overwrite: true);
        if (previous is not null)
        {
            foreach (string? stale in new[] { previous.WeightsFile, previous.OptimizerFile })
            {
                if (stale is not null && stale != written.WeightsFile && stale != written.OptimizerFile)
                {
                    File.Delete(System.IO.Path.Combine(directory, stale));
                }
            }
        }
    }

    /// <summary>Refuses a resume point written for other options or another split; names what differs.</summary>
    public void RequireSameRun(string directory, TrainingOptions options, string splitFingerprint) =>
        RequireSame(directory, "the run", Options, SplitFingerprint, options, splitFingerprint);

    /// <summary>
    /// Refuses to continue <paramref name="what"/> ("the run", "its distillation") when it was started with other
    /// options or on another split than requested now; names what differs.
    /// </summary>
    internal static void RequireSame(string directory, string what, TrainingOptions recorded, string recordedFingerprint, TrainingOptions requested, string requestedFingerprint)
    {
        var differences = OptionDifferences(recorded, requested);
        if (differences.Count > 0)
        {
            throw new TrainingResumeException(directory,
                $"{what} was started with other options ({string.Join("; ", differences.Take(4))}); resume with the original options or train into a new folder");
        }

        if (!string.Equals(recordedFingerprint, requestedFingerprint, StringComparison.Ordinal))
        {
            throw new TrainingResumeException(directory,
                $"{what} was started on other training or validation images (the split differs); resume with the original --data and --split-file");
        }
    }

    /// <summary>The options that decide the result, as JSON paths with both values; the thread count may change between sessions.</summary>
    public static IReadOnlyList<string> OptionDifferences(TrainingOptions recorded, TrainingOptions requested)
    {
        var left = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(recorded with { Threads = 1 }, TrainingJson.Options))!;
        var right = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(requested with { Threads = 1 }, TrainingJson.Options))!;
        var differences = new List<string>();
        Compare(left, right, "", differences);
        return differences;
    }

    private static void Compare(JsonNode? left, JsonNode? right, string path, List<string> differences)
    {
        if (left is JsonObject a && right is JsonObject b)
        {
            foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
            {
                Compare(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}", differences);
            }

            return;
        }

        string l = left?.ToJsonString() ?? "null", r = right?.ToJsonString() ?? "null";
        if (l != r)
        {
            differences.Add($"{path}: {l} then, {r} now");
        }
    }

    /// <summary>
    /// SHA-256 over the training and validation images (source, file name, label) in the order training reads them;
    /// file names, not paths, so a data folder that moved between sessions still matches.
    /// </summary>
    public static string Fingerprint(IReadOnlyList<CxrRecord> train, IReadOnlyList<CxrRecord> validation)
    {
        var text = new StringBuilder();
        foreach (var (split, records) in new[] { ("train", train), ("val", validation) })
        {
            foreach (var r in records)
            {
                text.Append(split).Append(',').Append(r.Source).Append(',').Append(System.IO.Path.GetFileName(r.Path)).Append(',').Append(r.Label).Append('\n');
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }
}

/// <summary>A run cannot be resumed from its folder; carries the folder and the reason.</summary>
public sealed class TrainingResumeException(string directory, string reason)
    : Exception($"cannot resume the training run in {directory}: {reason}")
{
    public string Directory { get; } = directory;

    public string Reason { get; } = reason;
}
