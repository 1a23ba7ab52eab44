using System.Text.Json;

namespace TbScreen.Inference.Bundles;

/// <summary>
/// Tells a bundle folder's kind from its metadata.json without validating it, so code that walks models/ (robustness
/// over every classifier, the Models page) can pass over a segmentation bundle instead of failing on it.
/// </summary>
public static class BundleTasks
{
    public const string Classification = "classification";

    /// <summary>"segmentation" when metadata.json says so; "classification" otherwise (classifier bundles have no task field), including when unreadable.</summary>
    public static string Of(string bundleDirectory)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(bundleDirectory, ModelBundle.MetadataFileName)));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("task", out var task)
                && task.ValueKind == JsonValueKind.String && task.GetString() is { Length: > 0 } text ? text : Classification;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return Classification;
        }
    }

    public static bool IsSegmentation(string bundleDirectory) => Of(bundleDirectory) == SegmentationMetadata.SegmentationTask;
}
