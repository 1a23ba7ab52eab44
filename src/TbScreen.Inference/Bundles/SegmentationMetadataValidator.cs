namespace TbScreen.Inference.Bundles;

/// <summary>Every problem of a segmentation metadata.json at once.</summary>
internal static class SegmentationMetadataValidator
{
    public static IReadOnlyList<string> Problems(SegmentationMetadata m)
    {
        var problems = new List<string>();
        if (m.SchemaVersion != ModelMetadata.CurrentSchemaVersion)
        {
            problems.Add($"schemaVersion is {m.SchemaVersion}; this build reads version {ModelMetadata.CurrentSchemaVersion}");
        }

        if (m.Task != SegmentationMetadata.SegmentationTask)
        {
            problems.Add($"task is '{m.Task}', expected '{SegmentationMetadata.SegmentationTask}'");
        }

        Require(problems, m.Name, "name");
        Require(problems, m.Version, "version");
        Require(problems, m.Architecture, "architecture");
        Require(problems, m.Onnx?.Input, "onnx.input");
        Require(problems, m.Onnx?.Probability, "onnx.probability");
        if (m.Input is null)
        {
            problems.Add("input (the input contract) is missing");
        }
        else
        {
            try
            {
                m.Input.Validate();
                if (m.Input.Channels != 1 || m.Input.CropBorders)
                {
                    problems.Add("input: a segmentation model takes one channel without border crop (its mask must map back onto the image)");
                }
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                problems.Add("input: " + e.Message);
            }
        }

        if (!(m.Threshold > 0 && m.Threshold < 1))
        {
            problems.Add($"threshold {m.Threshold} must lie strictly between 0 and 1");
        }

        if (m.KeepComponents < 1)
        {
            problems.Add($"keepComponents {m.KeepComponents} must be at least 1");
        }

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

        if (m.OnnxSha256 is null || m.OnnxSha256.Length != 64 || !m.OnnxSha256.All(char.IsAsciiHexDigit))
        {
            problems.Add("onnxSha256 must be 64 hex digits");
        }

        return problems;
    }

    private static void Require(List<string> problems, string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{name} is missing");
        }
    }
}
