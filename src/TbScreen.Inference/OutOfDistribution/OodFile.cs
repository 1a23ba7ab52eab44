using System.Text.Json;
using TbScreen.Inference.Bundles;

namespace TbScreen.Inference.OutOfDistribution;

/// <summary>ood.json does not match the oodSha256 in metadata.json (edited, replaced or corrupted): the bundle is refused.</summary>
public sealed class OodHashMismatchException(string bundlePath, string expectedSha256, string actualSha256)
    : ModelBundleException(bundlePath, $"{OodFile.FileName} SHA-256 is {actualSha256} but metadata.json expects {expectedSha256}; refusing an out-of-distribution detector that does not match its metadata")
{
    public string ExpectedSha256 { get; } = expectedSha256;

    public string ActualSha256 { get; } = actualSha256;
}

/// <summary>Reads and writes a bundle's ood.json, with its SHA-256 kept in metadata.json like model.onnx's.</summary>
public static class OodFile
{
    public const string FileName = "ood.json";

    /// <summary>
    /// Writes ood.json into the bundle and stamps its hash into metadata.json (re-validated, onnxSha256 re-read).
    /// Refuses a model fitted on another model.onnx. Returns the updated metadata.
    /// </summary>
    public static ModelMetadata Write(string bundleDirectory, OodModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = ModelBundle.ReadMetadata(bundleDirectory);
        var problems = Problems(model, metadata);
        if (problems.Count > 0) throw new ModelBundleException(bundleDirectory, $"{FileName} not written: {string.Join("; ", problems)}");
        string path = Path.Combine(bundleDirectory, FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(Compact(model), CompactOptions) + "\n");
        return ModelBundle.WriteMetadata(bundleDirectory, metadata with { OodSha256 = ModelBundle.Sha256Of(path) });
    }

    /// <summary>One line, no indentation: a GoogLeNet detector holds about 50 000 numbers, and models/ has a size budget.</summary>
    private static readonly JsonSerializerOptions CompactOptions = new(BundleJson.Options) { WriteIndented = false };

    /// <summary>Significant digits kept for the mean, directions and variances: float32 features carry no more.</summary>
    public const int StoredDigits = 9;

    /// <summary>
    /// The model as stored: its vectors rounded to <see cref="StoredDigits"/> significant digits (distances move by about
    /// 1e-9 relative, far below the threshold's resolution), which halves the file. Scalars are kept exactly.
    /// </summary>
    public static OodModel Compact(OodModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        static double[] Round(IEnumerable<double> values) => [.. values.Select(v => double.Parse(v.ToString("G" + StoredDigits, System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture))];
        return model with { Mean = Round(model.Mean), Directions = [.. model.Directions.Select(Round)], Variances = Round(model.Variances) };
    }

    /// <summary>
    /// The bundle's detector, or null when metadata.json names none (no oodSha256). Throws
    /// <see cref="OodHashMismatchException"/> for a changed file and <see cref="ModelBundleException"/> (naming
    /// ood.json and the reason) when it is missing, unreadable, inconsistent, or present without a hash in metadata.
    /// </summary>
    public static OodDetector? Load(string bundleDirectory, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string path = Path.Combine(bundleDirectory, FileName);
        if (metadata.OodSha256 is null)
        {
            // A detector the metadata does not vouch for is as suspect as an unlisted model: refuse rather than ignore.
            if (File.Exists(path)) throw new ModelBundleException(bundleDirectory, $"{FileName} is present but metadata.json has no oodSha256; re-run tbscreen fit-ood or delete it");
            return null;
        }

        if (!File.Exists(path)) throw new ModelBundleException(bundleDirectory, $"metadata.json names oodSha256 but {FileName} is missing");
        string actual = ModelBundle.Sha256Of(path);
        if (!string.Equals(actual, metadata.OodSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new OodHashMismatchException(bundleDirectory, metadata.OodSha256.ToLowerInvariant(), actual);
        }

        OodModel? model;
        try
        {
            model = JsonSerializer.Deserialize<OodModel>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (JsonException e)
        {
            throw new ModelBundleException(bundleDirectory, $"{FileName} is not valid JSON: {e.Message}", e);
        }

        var problems = model is null ? ["is null"] : Problems(model, metadata);
        if (problems.Count > 0) throw new ModelBundleException(bundleDirectory, $"invalid {FileName}: {string.Join("; ", problems)}");
        return new OodDetector(model!);
    }

    private static List<string> Problems(OodModel m, ModelMetadata metadata)
    {
        var problems = new List<string>();
        if (m.SchemaVersion != OodModel.CurrentSchemaVersion) problems.Add($"schemaVersion is {m.SchemaVersion}; this build reads {OodModel.CurrentSchemaVersion}");
        if (string.IsNullOrWhiteSpace(metadata.Onnx.Features)) problems.Add("the bundle has no onnx.features output to score");
        if (!string.Equals(m.Source.OnnxSha256, metadata.OnnxSha256, StringComparison.OrdinalIgnoreCase))
            problems.Add($"fitted on model.onnx {m.Source.OnnxSha256} but the bundle's is {metadata.OnnxSha256} (stale: re-run tbscreen fit-ood)");
        int d = m.FeatureDimension;
        if (d < 1 || m.Mean.Count != d) problems.Add($"mean has {m.Mean.Count} values; featureDimension is {d}");
        if (m.Components < 1 || m.Directions.Count != m.Components || m.Variances.Count != m.Components)
            problems.Add($"components {m.Components} but {m.Directions.Count} directions and {m.Variances.Count} variances");
        if (m.Directions.Any(v => v.Count != d)) problems.Add($"every direction needs {d} values");
        if (m.Variances.Any(v => !(v > 0) || double.IsInfinity(v))) problems.Add("variances must be positive and finite");
        if (!(m.ResidualScale > 0) || double.IsInfinity(m.ResidualScale)) problems.Add("residualScale must be positive and finite");
        if (!(m.Threshold > 0) || double.IsInfinity(m.Threshold)) problems.Add("threshold must be positive and finite");
        if (!(m.Quantile > 0 && m.Quantile < 1)) problems.Add("quantile must lie in (0, 1)");
        if (m.FitCount < 2 || m.ValidationCount < 1) problems.Add("fitCount must be at least 2 and validationCount at least 1");
        return problems;
    }
}
