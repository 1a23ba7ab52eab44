namespace TbScreen.Inference.Bundles;

/// <summary>Collects every problem in a metadata.json at once, so a broken bundle is fixed in one pass.</summary>
internal static class MetadataValidator
{
    public static IReadOnlyList<string> Problems(ModelMetadata m)
    {
        var problems = new List<string>();
        var common = new BundleMetadataChecks.Common(m.SchemaVersion, m.Name, m.Version, m.Architecture, m.Onnx, m.Input, m.Training, m.Metrics, m.OnnxSha256);
        BundleMetadataChecks.Header(problems, common);
        if (m.Labels is null || m.Labels.Count < 2 || m.Labels.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("labels must name at least two classes, e.g. [\"non-tb\", \"tb\"]");
        }
        else if (m.PositiveIndex < 0 || m.PositiveIndex >= m.Labels.Count)
        {
            problems.Add($"positiveIndex {m.PositiveIndex} is outside labels (0..{m.Labels.Count - 1})");
        }

        ThresholdProblems(problems, m.Thresholds);
        BundleMetadataChecks.Provenance(problems, common);
        if (m.OodSha256 is not null && !BundleMetadataChecks.IsSha256(m.OodSha256))
        {
            problems.Add("oodSha256 must be the 64-hex-digit SHA-256 of ood.json");
        }

        if (m.OodSha256 is not null && string.IsNullOrWhiteSpace(m.Onnx?.Features))
        {
            problems.Add("oodSha256 is set but onnx.features is not: the detector needs the features output");
        }

        LineageProblems(problems, m.Lineage);
        QuantizationProblems(problems, m.Quantization);

        return problems;
    }

    private static void ThresholdProblems(List<string> problems, ModelThresholds? t)
    {
        if (t is null)
        {
            problems.Add("thresholds are missing");
            return;
        }

        if (!IsProbability(t.Youden))
        {
            problems.Add($"thresholds.youden ({t.Youden}) must be a probability in [0, 1]");
        }

        if (!IsProbability(t.Sensitivity90))
        {
            problems.Add($"thresholds.sensitivity90 ({t.Sensitivity90}) must be a probability in [0, 1]");
        }

        if (t.Operating is not (ModelThresholds.YoudenName or ModelThresholds.Sensitivity90Name))
        {
            problems.Add($"thresholds.operating is '{t.Operating}'; it must be '{ModelThresholds.YoudenName}' or '{ModelThresholds.Sensitivity90Name}'");
        }
    }

    private static void QuantizationProblems(List<string> problems, ModelQuantization? q)
    {
        if (q is null)
        {
            return;
        }

        BundleMetadataChecks.Require(problems, q.Format, "quantization.format");
        BundleMetadataChecks.Require(problems, q.SourceBundle, "quantization.sourceBundle");
        if (q.Method is not ("minmax" or "percentile" or "entropy"))
        {
            problems.Add($"quantization.method is '{q.Method}'; it must be minmax, percentile or entropy");
        }

        if (q.Activations is not ("uint8" or "int8"))
        {
            problems.Add($"quantization.activations is '{q.Activations}'; it must be uint8 or int8");
        }

        if (q.CalibrationSplit != "train")
        {
            problems.Add($"quantization.calibrationSplit is '{q.CalibrationSplit}'; calibration images must come from the training split");
        }

        if (q.CalibrationCount < 1)
        {
            problems.Add("quantization.calibrationCount must be at least 1");
        }

        if (!BundleMetadataChecks.IsSha256(q.CalibrationSha256) || !BundleMetadataChecks.IsSha256(q.SourceSha256))
        {
            problems.Add("quantization.calibrationSha256 and quantization.sourceSha256 must be 64-hex-digit SHA-256 values");
        }
    }

    private static void LineageProblems(List<string> problems, ModelLineage? lineage)
    {
        if (lineage is null)
        {
            return;
        }

        BundleMetadataChecks.Require(problems, lineage.Kind, "lineage.kind");
        BundleMetadataChecks.Require(problems, lineage.SourceCheckpoint, "lineage.sourceCheckpoint");
        BundleMetadataChecks.Require(problems, lineage.Method, "lineage.method");
        if (!BundleMetadataChecks.IsSha256(lineage.SourceSha256))
        {
            problems.Add("lineage.sourceSha256 must be the 64-hex-digit SHA-256 of the source checkpoint");
        }

        if (lineage.Sparsity is < 0 or >= 1 || double.IsNaN(lineage.Sparsity))
        {
            problems.Add($"lineage.sparsity ({lineage.Sparsity}) must be in [0, 1)");
        }

        if (!(lineage.Compression >= 1))
        {
            problems.Add($"lineage.compression ({lineage.Compression}) must be at least 1");
        }

        if (lineage.Rounds < 0 || lineage.Rate is < 0 or >= 1)
        {
            problems.Add("lineage.rounds must be non-negative and lineage.rate in [0, 1)");
        }
    }

    internal static bool IsProbability(double value) => value is >= 0 and <= 1;
}
