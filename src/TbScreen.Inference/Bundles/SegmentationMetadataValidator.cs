using TbScreen.Imaging;

namespace TbScreen.Inference.Bundles;

/// <summary>Every problem of a segmentation metadata.json at once.</summary>
internal static class SegmentationMetadataValidator
{
    public static IReadOnlyList<string> Problems(SegmentationMetadata m)
    {
        var problems = new List<string>();
        var common = new BundleMetadataChecks.Common(m.SchemaVersion, m.Name, m.Version, m.Architecture, m.Onnx, m.Input, m.Training, m.Metrics, m.OnnxSha256);
        if (m.Task != SegmentationMetadata.SegmentationTask)
        {
            problems.Add($"task is '{m.Task}', expected '{SegmentationMetadata.SegmentationTask}'");
        }

        // The mask must map back onto the image, so no border crop and one channel.
        BundleMetadataChecks.Header(problems, common, input => input.Channels != 1 || input.CropBorders
            ? "a segmentation model takes one channel without border crop (its mask must map back onto the image)"
            : null);
        if (!(m.Threshold > 0 && m.Threshold < 1))
        {
            problems.Add($"threshold {m.Threshold} must lie strictly between 0 and 1");
        }

        if (m.KeepComponents < 1)
        {
            problems.Add($"keepComponents {m.KeepComponents} must be at least 1");
        }

        BundleMetadataChecks.Provenance(problems, common);
        return problems;
    }
}
