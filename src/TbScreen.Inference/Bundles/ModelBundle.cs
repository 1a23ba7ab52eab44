using System.Security.Cryptography;
using System.Text.Json;
using TbScreen.Inference.OutOfDistribution;

namespace TbScreen.Inference.Bundles;

/// <summary>
/// A validated models/&lt;name&gt;/ folder: model.onnx, metadata.json and README.md (the model card).
/// Loading checks the metadata and the SHA-256 of model.onnx, so a served model is always the one described.
/// </summary>
public sealed class ModelBundle
{
    public const string OnnxFileName = "model.onnx";
    public const string MetadataFileName = "metadata.json";
    public const string ModelCardFileName = "README.md";

    private ModelBundle(string directory, ModelMetadata metadata, OodDetector? ood)
    {
        Directory = directory;
        Metadata = metadata;
        Ood = ood;
    }

    public string Directory { get; }

    public ModelMetadata Metadata { get; }

    public string Name => Metadata.Name;

    /// <summary>The out-of-distribution detector from ood.json (hash-checked), or null when the bundle has none.</summary>
    public OodDetector? Ood { get; }

    public string OnnxPath => Path.Combine(Directory, OnnxFileName);

    /// <summary>The shipped operating threshold on the TB probability.</summary>
    public double Threshold => Metadata.Thresholds!.OperatingValue;

    /// <summary>
    /// Throws <see cref="ModelMetadataException"/>, <see cref="ModelHashMismatchException"/> or
    /// <see cref="OodHashMismatchException"/> (all <see cref="ModelBundleException"/>).
    /// </summary>
    public static ModelBundle Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var metadata = ReadMetadata(directory);
        string onnx = Path.Combine(directory, OnnxFileName);
        if (!File.Exists(onnx))
        {
            if (metadata.Quantization is null)
            {
                throw new ModelBundleException(directory, $"{OnnxFileName} not found");
            }

            // INT8 bundles ship their recipe, not model.onnx (models/ size budget): rebuilt here on first use, hash-checked.
            try
            {
                Int8Recipe.Rebuild(directory, write: true);
            }
            catch (Exception e) when (IsRebuildFailure(e))
            {
                throw new ModelBundleException(directory,
                    $"{OnnxFileName} not found and it cannot be rebuilt from its float32 source ({e.Message}); fix that, or run `tbscreen quantize-rebuild {directory}` where the models folder is writable (docs/quantization.md)");
            }
        }

        string actual = Sha256Of(onnx);
        if (!string.Equals(actual, metadata.OnnxSha256, StringComparison.OrdinalIgnoreCase) && !RebuiltStaleInt8(directory, metadata))
        {
            throw new ModelHashMismatchException(directory, metadata.OnnxSha256.ToLowerInvariant(), actual);
        }

        return new ModelBundle(directory, metadata, OodFile.Load(directory, metadata));
    }

    /// <summary>
    /// An INT8 model.onnx is derived (git-ignored, rebuilt from the recipe), so one left from an earlier version of the
    /// bundle is replaced when the recipe rebuilds to metadata.json's hash. False when it cannot: the mismatch stands.
    /// </summary>
    private static bool RebuiltStaleInt8(string directory, ModelMetadata metadata)
    {
        if (metadata.Quantization is null)
        {
            return false;
        }

        try
        {
            Int8Recipe.Rebuild(directory, write: true);
            return true;
        }
        catch (Exception e) when (IsRebuildFailure(e))
        {
            return false;
        }
    }

    /// <summary>Why a recipe rebuild can fail: the recipe or its source bundle, or the models folder's files.</summary>
    private static bool IsRebuildFailure(Exception e) =>
        e is TbScreen.Onnx.Quantization.QuantizationException or ModelBundleException or IOException or UnauthorizedAccessException;

    /// <summary>Reads and validates metadata.json without touching model.onnx.</summary>
    public static ModelMetadata ReadMetadata(string directory)
    {
        string path = Path.Combine(directory, MetadataFileName);
        if (!File.Exists(path))
        {
            throw new ModelMetadataException(directory, [$"{MetadataFileName} not found"]);
        }

        ModelMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (JsonException e)
        {
            throw new ModelMetadataException(directory, [$"not valid JSON for schema {ModelMetadata.CurrentSchemaVersion}: {e.Message}"], e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelMetadataException(directory, [$"cannot read: {e.Message}"], e);
        }

        if (metadata is null)
        {
            throw new ModelMetadataException(directory, ["is null"]);
        }

        var problems = MetadataValidator.Problems(metadata);
        if (problems.Count > 0)
        {
            throw new ModelMetadataException(directory, problems);
        }

        return metadata;
    }

    /// <summary>
    /// Writes metadata.json beside an existing model.onnx with <see cref="ModelMetadata.OnnxSha256"/> filled in
    /// from that file: the one way the exporter should stamp a bundle. Validates before writing.
    /// </summary>
    public static ModelMetadata WriteMetadata(string directory, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var stamped = metadata with { OnnxSha256 = Sha256Of(Path.Combine(directory, OnnxFileName)) };
        var problems = MetadataValidator.Problems(stamped);
        if (problems.Count > 0)
        {
            throw new ModelMetadataException(directory, problems);
        }

        File.WriteAllText(Path.Combine(directory, MetadataFileName), JsonSerializer.Serialize(stamped, BundleJson.Options) + "\n");
        return stamped;
    }

    /// <summary>Lower-case hex SHA-256 of a file, streamed.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
