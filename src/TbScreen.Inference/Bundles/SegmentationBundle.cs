using System.Text.Json;

namespace TbScreen.Inference.Bundles;

/// <summary>
/// A validated segmentation bundle (models/lungs): model.onnx, metadata.json with <c>task: "segmentation"</c>,
/// README.md. Loading checks the metadata and model.onnx's SHA-256 like <see cref="ModelBundle"/>.
/// </summary>
public sealed class SegmentationBundle
{
    private SegmentationBundle(string directory, SegmentationMetadata metadata)
    {
        Directory = directory;
        Metadata = metadata;
    }

    public string Directory { get; }

    public SegmentationMetadata Metadata { get; }

    public string Name => Metadata.Name;

    public string OnnxPath => Path.Combine(Directory, ModelBundle.OnnxFileName);

    /// <summary>Throws <see cref="ModelMetadataException"/> or <see cref="ModelHashMismatchException"/>.</summary>
    public static SegmentationBundle Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var metadata = ReadMetadata(directory);
        string onnx = Path.Combine(directory, ModelBundle.OnnxFileName);
        if (!File.Exists(onnx))
        {
            throw new ModelBundleException(directory, $"{ModelBundle.OnnxFileName} not found");
        }

        string actual = ModelBundle.Sha256Of(onnx);
        if (!string.Equals(actual, metadata.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelHashMismatchException(directory, metadata.OnnxSha256.ToLowerInvariant(), actual);
        }

        return new SegmentationBundle(directory, metadata);
    }

    public static SegmentationMetadata ReadMetadata(string directory)
    {
        string path = Path.Combine(directory, ModelBundle.MetadataFileName);
        if (!File.Exists(path))
        {
            throw new ModelMetadataException(directory, [$"{ModelBundle.MetadataFileName} not found"]);
        }

        SegmentationMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<SegmentationMetadata>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (JsonException e)
        {
            throw new ModelMetadataException(directory, [$"not valid JSON for a segmentation bundle: {e.Message}"], e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelMetadataException(directory, [$"cannot read: {e.Message}"], e);
        }

        var problems = metadata is null ? ["is null"] : SegmentationMetadataValidator.Problems(metadata);
        return problems.Count == 0 ? metadata! : throw new ModelMetadataException(directory, problems);
    }

    /// <summary>Writes metadata.json beside an existing model.onnx, stamping its SHA-256; validates first.</summary>
    public static SegmentationMetadata WriteMetadata(string directory, SegmentationMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var stamped = metadata with { OnnxSha256 = ModelBundle.Sha256Of(Path.Combine(directory, ModelBundle.OnnxFileName)) };
        var problems = SegmentationMetadataValidator.Problems(stamped);
        if (problems.Count > 0)
        {
            throw new ModelMetadataException(directory, problems);
        }

        File.WriteAllText(Path.Combine(directory, ModelBundle.MetadataFileName), JsonSerializer.Serialize(stamped, BundleJson.Options) + "\n");
        return stamped;
    }
}
