using System.Security.Cryptography;
using System.Text.Json;
using TbScreen.Onnx.Quantization;

namespace TbScreen.Inference.Bundles;

/// <summary>
/// An INT8 bundle ships its recipe instead of its model (the models/ size budget): quantization.json holds every
/// calibrated range and the layers kept float32, and the QDQ pass over the float32 source bundle is deterministic, so
/// the rebuilt bytes must hash to metadata.json's onnxSha256. <see cref="ModelBundle.Load"/> rebuilds a missing model
/// on first use; `tbscreen quantize-rebuild` does it ahead (docs/quantization.md).
/// </summary>
public static class Int8Recipe
{
    public const string FileName = "quantization.json";

    /// <summary>The calibrated ranges by activation name; throws <see cref="QuantizationException"/> naming the file.</summary>
    public static Dictionary<string, (float Min, float Max)> ReadRanges(string bundleDir)
    {
        string path = Path.Combine(bundleDir, FileName);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.GetProperty("ranges").EnumerateObject()
                .ToDictionary(p => p.Name, p => (p.Value[0].GetSingle(), p.Value[1].GetSingle()), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new QuantizationException($"{path}: cannot read the calibrated ranges ({e.Message})", e);
        }
    }

    /// <summary>
    /// Rebuilds model.onnx from the float32 source bundle (a sibling folder) and quantization.json; anything that does
    /// not hash to metadata.json's onnxSha256 (another source, edited ranges) is refused with
    /// <see cref="QuantizationException"/>. Returns the model bytes, written into the bundle when <paramref name="write"/>.
    /// </summary>
    public static byte[] Rebuild(string bundleDir, bool write)
    {
        var metadata = ModelBundle.ReadMetadata(bundleDir);
        var q = metadata.Quantization ?? throw new QuantizationException($"{bundleDir}: metadata.json has no quantization section; not an INT8 bundle");
        string sourceDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bundleDir))!, q.SourceBundle);
        var source = ModelBundle.Load(sourceDir);
        if (!string.Equals(source.Metadata.OnnxSha256, q.SourceSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new QuantizationException($"{sourceDir}: model.onnx is {source.Metadata.OnnxSha256}, but {bundleDir} was quantised from {q.SourceSha256}");
        }

        byte[] model = QdqQuantizer.Quantize(File.ReadAllBytes(source.OnnxPath), new QdqOptions
        {
            Ranges = ReadRanges(bundleDir),
            Activations = q.Activations == "int8" ? ActivationType.Int8 : ActivationType.UInt8,
            KeepFloat = q.FloatLayers.ToHashSet(StringComparer.Ordinal),
            ReduceRange = q.ReduceRange,
        });
        string hash = Convert.ToHexStringLower(SHA256.HashData(model));
        if (!string.Equals(hash, metadata.OnnxSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new QuantizationException($"{bundleDir}: the rebuilt model.onnx hashes to {hash}, not to metadata.json's {metadata.OnnxSha256}");
        }

        if (write)
        {
            // Written beside and moved into place, so a reader (or a second host rebuilding at once) never sees half a model.
            string target = Path.Combine(bundleDir, ModelBundle.OnnxFileName), partial = target + $".{Environment.ProcessId}.{Guid.NewGuid():N}.partial";
            File.WriteAllBytes(partial, model);
            File.Move(partial, target, overwrite: true);
        }

        return model;
    }
}
