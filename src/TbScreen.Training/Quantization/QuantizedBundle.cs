using System.Globalization;
using System.Text;
using System.Text.Json;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Metrics;
using TbScreen.Onnx.Quantization;

namespace TbScreen.Training.Quantization;

/// <summary>Writes an INT8 bundle: model.onnx, metadata.json (with <c>quantization</c>), quantization.json, README.md.</summary>
public static class QuantizedBundle
{
    public const string ReportFileName = Int8Recipe.FileName;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static ModelMetadata Write(string outDir, ModelBundle source, QuantizationResult result, QuantizationOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(outDir);
        File.WriteAllBytes(Path.Combine(outDir, ModelBundle.OnnxFileName), result.Model);

        var (thresholds, metrics) = result.ThresholdsFromSource ? (source.Metadata.Thresholds!, source.Metadata.Metrics) : ReselectedOnValidation(source, result);
        string activations = options.Activations == ActivationType.UInt8 ? "uint8" : "int8";
        var metadata = source.Metadata with
        {
            Name = name,
            Thresholds = thresholds,
            Metrics = metrics,
            OodSha256 = null, // the detector was fitted on the float32 features; the INT8 bundle ships without one
            Quantization = new ModelQuantization
            {
                Format = "qdq-static",
                Method = MethodName(options.Method),
                Activations = activations,
                Weights = "int8-symmetric-per-channel",
                ReduceRange = options.ReduceRange,
                CalibrationSplit = "train",
                CalibrationCount = result.CalibrationFiles.Count,
                CalibrationSha256 = result.CalibrationSha256,
                FloatLayers = result.FloatLayers,
                SourceBundle = source.Name,
                SourceSha256 = source.Metadata.OnnxSha256,
                ThresholdsSelectedOn = result.ThresholdsFromSource ? SourceOutOfFold : "validation",
            },
        };
        var written = ModelBundle.WriteMetadata(outDir, metadata);

        var report = new
        {
            note = "Research use only, not a medical device. Static INT8 quantisation of " + source.Name + " (docs/quantization.md).",
            method = MethodName(options.Method),
            percentile = options.Method == CalibrationMethod.Percentile ? options.Percentile : (double?)null,
            activations,
            seed = options.Seed,
            tolerance = options.Tolerance,
            maxFloatLayers = options.MaxFloatLayers,
            calibrationFiles = result.CalibrationFiles.Select(Path.GetFileName),
            calibrationSha256 = result.CalibrationSha256,
            checkImages = result.CheckImages,
            validationMeanAbsError = new { allInt8 = result.FullInt8Error, shipped = QuantizationRun.MeanAbs(result.ValidationInt8, result.ValidationFp32) },
            floatLayers = result.FloatLayers,
            sweep = result.Sweep,
            greedy = result.Greedy,
            ranges = result.Ranges.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => new[] { r.Value.Min, r.Value.Max }),
        };
        File.WriteAllText(Path.Combine(outDir, ReportFileName), JsonSerializer.Serialize(report, Json) + "\n");
        File.WriteAllText(Path.Combine(outDir, "README.md"), Card(written, source, result, options));
        return written;
    }

    /// <summary>
    /// <see cref="ModelQuantization.ThresholdsSelectedOn"/> of a bundle quantised from a final model trained on train +
    /// validation: its thresholds and metrics are the float32 source's, from out-of-fold predictions.
    /// </summary>
    public const string SourceOutOfFold = "out-of-fold (float32 source)";

    private static (ModelThresholds, IReadOnlyList<ReportedMetric>) ReselectedOnValidation(ModelBundle source, QuantizationResult result)
    {
        var scored = new ScoredCases(result.ValidationInt8.Select(p => (double)p).ToArray(), result.ValidationLabels);
        var youden = ThresholdSelection.Youden(scored) ?? throw new QuantizationException("the validation split gives no Youden threshold (one class only?)");
        var sens90 = ThresholdSelection.ForSensitivity(scored) ?? throw new QuantizationException("the validation split gives no sensitivity-90 threshold");
        string operating = source.Metadata.Thresholds?.Operating is { Length: > 0 } op ? op : ModelThresholds.Sensitivity90Name;
        var thresholds = new ModelThresholds { Youden = youden.Threshold, Sensitivity90 = sens90.Threshold, Operating = operating };
        var auc = DeLong.Estimate(scored);
        var matrix = ConfusionMatrix.At(scored, thresholds.OperatingValue);
        return (thresholds,
        [
            new ReportedMetric { Name = "auc", Split = "validation", Value = auc.Auc, Ci = auc.CiLow is { } lo && auc.CiHigh is { } hi ? [lo, hi] : null, CiMethod = "delong" },
            new ReportedMetric { Name = "sensitivity", Split = "validation", Value = matrix.Sensitivity },
            new ReportedMetric { Name = "specificity", Split = "validation", Value = matrix.Specificity },
        ]);
    }

    /// <summary>Reads the ranges a bundle's quantization.json recorded (<see cref="Int8Recipe.ReadRanges"/>).</summary>
    public static Dictionary<string, (float Min, float Max)> ReadRanges(string bundleDir) => Int8Recipe.ReadRanges(bundleDir);

    /// <summary>Rebuilds an INT8 bundle's model.onnx from its recipe (<see cref="Int8Recipe.Rebuild"/>).</summary>
    public static byte[] Rebuild(string bundleDir, bool write) => Int8Recipe.Rebuild(bundleDir, write);

    public static string MethodName(CalibrationMethod method) => method switch
    {
        CalibrationMethod.MinMax => "minmax",
        CalibrationMethod.Percentile => "percentile",
        _ => "entropy",
    };

    private static string Card(ModelMetadata m, ModelBundle source, QuantizationResult r, QuantizationOptions o)
    {
        var q = m.Quantization!;
        string F(double v) => v.ToString("0.0000", CultureInfo.InvariantCulture);
        var card = new StringBuilder();
        card.AppendLine($"# {m.Name} {m.Version} — TbScreen model card (INT8)");
        card.AppendLine();
        card.AppendLine("**Research use only, not a medical device.** Not validated for clinical use.");
        card.AppendLine();
        card.AppendLine($"Static INT8 quantisation of `{source.Name}` (model.onnx SHA-256 `{q.SourceSha256}`); intended use, data and");
        card.AppendLine($"limitations are those of [{source.Name}](../{source.Name}/README.md). Method: docs/quantization.md.");
        card.AppendLine();
        card.AppendLine("## Quantisation");
        card.AppendLine($"- Format: QDQ (QuantizeLinear/DequantizeLinear) that ONNX Runtime fuses into QLinearConv/QGemm; weights {q.Weights}{(q.ReduceRange ? " in [-64, 64] (reduced range: exact on CPUs without VNNI)" : " in [-127, 127] (needs a VNNI CPU to run exactly)")}; activations {q.Activations} per tensor, asymmetric.");
        card.AppendLine($"- Ranges: {q.Method}{(o.Method == CalibrationMethod.Percentile ? $" {o.Percentile.ToString(CultureInfo.InvariantCulture)}" : "")} on {q.CalibrationCount} training-split images (SHA-256 `{q.CalibrationSha256}`); never test images.");
        card.AppendLine($"- Kept in float32: {(q.FloatLayers.Count == 0 ? "nothing" : string.Join(", ", q.FloatLayers.Select(l => $"`{l}`")))}, chosen by the per-layer sensitivity sweep in quantization.json (the CAM conv always: it feeds no quantised op, so ONNX Runtime could not fuse it).");
        card.AppendLine($"- Mean |p(INT8) - p(FP32)| on {r.ValidationLabels.Length} {r.CheckImages} images: all layers INT8 {F(r.FullInt8Error)}, shipped {F(QuantizationRun.MeanAbs(r.ValidationInt8, r.ValidationFp32))}.");
        card.AppendLine();
        card.AppendLine(r.ThresholdsFromSource
            ? "## Thresholds (the float32 source's, chosen on out-of-fold predictions: the source trained on train + validation, so no image is left to re-select them on)"
            : "## Thresholds (re-selected on the validation split with the INT8 scores)");
        card.AppendLine($"- Youden: {F(m.Thresholds!.Youden)}");
        card.AppendLine($"- Sensitivity >= 0.90: {F(m.Thresholds.Sensitivity90)}");
        card.AppendLine($"- Operating threshold: `{m.Thresholds.Operating}` = {F(m.Thresholds.OperatingValue)} (float32 source: {F(source.Threshold)}).");
        card.AppendLine();
        card.AppendLine(r.ThresholdsFromSource ? "## Out-of-fold metrics (of the float32 source's fold models)" : "## Validation metrics");
        foreach (var metric in m.Metrics)
        {
            string ci = metric.Ci is { Count: 2 } c ? $" (95% CI {F(c[0])}-{F(c[1])}, {metric.CiMethod})" : "";
            card.AppendLine($"- {metric.Name}: {(metric.Value is { } v ? F(v) : "n/a")}{ci}");
        }

        card.AppendLine();
        card.AppendLine("No out-of-distribution detector ships with this bundle (the source's ood.json was fitted on float32 features).");
        card.AppendLine("Test-split results beside float32: models/evaluation/quantization (docs/quantization.md).");
        return card.ToString();
    }
}
