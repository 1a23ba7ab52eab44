using System.Text.Json;
using TbScreen.Inference.Evaluation;

namespace TbScreen.Audit;

/// <summary>
/// The validation reference monitoring compares against: the ensemble scores of the validation split, kept with the
/// models as models/evaluation/reference-scores.json. Made from `tbscreen evaluate --split validation`'s predictions.csv
/// by `tbscreen monitor reference` (<see cref="FromPredictions"/>).
/// </summary>
public sealed record ReferenceScores
{
    public const string DefaultRelativePath = "evaluation/reference-scores.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Where the scores came from, e.g. "predictions.csv of tbscreen evaluate --split validation".</summary>
    public string? Source { get; init; }

    /// <summary>The models that produced them ("alexnet@1.0.0+googlenet@1.0.0"); a different version means a stale reference.</summary>
    public string? ModelVersion { get; init; }

    public DateTime? CreatedAt { get; init; }

    public int Positives { get; init; }

    public int Negatives { get; init; }

    /// <summary>Ensemble scores in [0, 1], in file order.</summary>
    public required IReadOnlyList<double> Scores { get; init; }

    public static ReferenceScores FromPredictions(string predictionsCsv, string? modelVersion, DateTime createdAt)
    {
        var cases = CaseTables.ReadPredictions(predictionsCsv);
        if (cases.Count == 0)
        {
            throw new ManifestException(predictionsCsv, "has no rows: a reference needs scores");
        }

        return new ReferenceScores
        {
            Source = $"{Path.GetFileName(predictionsCsv)} (ensemble column)",
            ModelVersion = modelVersion,
            CreatedAt = createdAt,
            Positives = cases.Count(c => c.IsTb),
            Negatives = cases.Count(c => !c.IsTb),
            Scores = cases.Select(c => c.Score).ToArray(),
        };
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads the file; throws <see cref="ManifestException"/> naming it when it is not a reference.</summary>
    public static ReferenceScores Read(string path)
    {
        ReferenceScores? reference;
        try
        {
            reference = JsonSerializer.Deserialize<ReferenceScores>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new ManifestException(path, $"not a reference-scores file: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, $"cannot read: {e.Message}");
        }

        if (reference?.Scores is not { Count: > 0 } scores)
        {
            throw new ManifestException(path, "has no \"scores\"");
        }

        return scores.All(s => double.IsFinite(s) && s is >= 0 and <= 1)
            ? reference
            : throw new ManifestException(path, "a score is not a number in [0, 1]");
    }
}
