using TbScreen.Imaging;
using System.Text.RegularExpressions;

namespace TbScreen.Inference.Bundles;

/// <summary>The checks every bundle's metadata.json shares, classifier or segmentation: one place, one wording.</summary>
internal static partial class BundleMetadataChecks
{
    /// <summary>The fields every bundle has, in the order a reader meets them.</summary>
    public sealed record Common(int SchemaVersion, string? Name, string? Version, string? Architecture, OnnxTensorNames? Onnx,
        InputContract? Input, TrainingDataSummary? Training, IReadOnlyList<ReportedMetric>? Metrics, string? OnnxSha256);

    /// <summary>Schema, names, input contract (with <paramref name="inputRule"/> for the bundle kind's own demands) and ONNX tensor names.</summary>
    public static void Header(List<string> problems, Common m, Func<InputContract, string?>? inputRule = null)
    {
        if (m.SchemaVersion != ModelMetadata.CurrentSchemaVersion)
        {
            problems.Add($"schemaVersion is {m.SchemaVersion}; this build reads version {ModelMetadata.CurrentSchemaVersion}");
        }

        Require(problems, m.Name, "name");
        Require(problems, m.Version, "version");
        Require(problems, m.Architecture, "architecture");
        Require(problems, m.Onnx?.Input, "onnx.input");
        Require(problems, m.Onnx?.Probability, "onnx.probability");
        if (m.Input is null)
        {
            problems.Add("input (the input contract) is missing");
            return;
        }

        try
        {
            m.Input.Validate();
            if (inputRule?.Invoke(m.Input) is string problem)
            {
                problems.Add("input: " + problem);
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            problems.Add("input: " + e.Message);
        }
    }

    /// <summary>Training summary, metric CIs and the model.onnx hash.</summary>
    public static void Provenance(List<string> problems, Common m)
    {
        if (m.Training is null)
        {
            problems.Add("training (the training data summary) is missing");
        }

        foreach (var metric in m.Metrics ?? [])
        {
            if (string.IsNullOrWhiteSpace(metric.Name))
            {
                problems.Add("a metric has no name");
            }
            else if (metric.Ci is { } ci && (ci.Count != 2 || !(ci[0] <= ci[1])))
            {
                problems.Add($"metric '{metric.Name}': ci must be [low, high] with low <= high");
            }
        }

        if (!IsSha256(m.OnnxSha256))
        {
            problems.Add("onnxSha256 must be the 64-hex-digit SHA-256 of model.onnx");
        }
    }

    public static bool IsSha256(string? value) => value is not null && Sha256Hex().IsMatch(value);

    public static void Require(List<string> problems, string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{name} is missing or empty");
        }
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();
}
