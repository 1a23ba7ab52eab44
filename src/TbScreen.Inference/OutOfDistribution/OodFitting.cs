using System.Security.Cryptography;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Runtime;

namespace TbScreen.Inference.OutOfDistribution;

/// <summary>What fit-ood did for one bundle.</summary>
public sealed record OodFitResult(string Bundle, OodModel? Model, string? Skipped);

/// <summary>
/// The library half of <c>tbscreen fit-ood</c>: runs each bundle in ONNX Runtime over the training images (fit) and
/// the validation images (threshold) and writes ood.json into each bundle that has a features output. Images are
/// loaded one batch at a time, once for all members.
/// </summary>
public static class OodFitting
{
    public static IReadOnlyList<OodFitResult> Run(IReadOnlyList<OnnxClassifier> members, IReadOnlyList<string> trainPaths, IReadOnlyList<string> validationPaths,
        Func<string, Radiograph?> load, int components, double quantile, string dataSha256, string description, int batchSize = 8, LungSegmenter? lungs = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(load);
        if (lungs is null && members.FirstOrDefault(m => m.Contract.CropToLungs) is { } cropping)
        {
            throw new ModelBundleException(cropping.Bundle.Directory, "crops its input to the lungs: fitting its detector needs the lung segmentation bundle");
        }

        var usable = members.Where(m => m.HasFeatures).ToList();
        var results = members.Where(m => !m.HasFeatures)
            .Select(m => new OodFitResult(m.Name, null, "no onnx.features output (exported before it existed): it never raises 'unfamiliar'")).ToList();
        if (usable.Count == 0) return results;

        var train = Features(usable, trainPaths, load, batchSize, lungs);
        var validation = Features(usable, validationPaths, load, batchSize, lungs);
        for (int m = 0; m < usable.Count; m++)
        {
            var bundle = usable[m].Bundle;
            var source = new OodFeatureSource
            {
                OnnxSha256 = bundle.Metadata.OnnxSha256, FeaturesOutput = bundle.Metadata.Onnx.Features!, DataSha256 = dataSha256, Description = description,
            };
            var model = OodFitter.Fit(train[m], validation[m], components, quantile, source);
            OodFile.Write(bundle.Directory, model);
            results.Add(new OodFitResult(bundle.Name, model, null));
        }

        return results;
    }

    /// <summary>SHA-256 over the given files' bytes in order (the split file and the manifests): names the training data.</summary>
    public static string DataSha256(IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in files) hash.AppendData(File.ReadAllBytes(file));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Per member, the features of every image <paramref name="load"/> returns (null: unreadable, skipped).</summary>
    private static List<float[]>[] Features(IReadOnlyList<OnnxClassifier> members, IReadOnlyList<string> paths, Func<string, Radiograph?> load, int batchSize, LungSegmenter? lungs)
    {
        var features = members.Select(_ => new List<float[]>(paths.Count)).ToArray();
        foreach (var chunk in paths.Chunk(batchSize))
        {
            var radiographs = chunk.Select(load).OfType<Radiograph>().ToList();
            if (radiographs.Count == 0) continue;
            var segmentations = radiographs.Select(r => members.Any(m => m.Contract.CropToLungs) ? lungs!.Segment(r) : null).ToArray();
            var tensors = new Dictionary<InputContract, float[][]>();
            for (int m = 0; m < members.Count; m++)
            {
                var contract = members[m].Contract;
                if (!tensors.TryGetValue(contract, out var batch)) tensors[contract] = batch = [.. radiographs.Select((r, i) => TbEnsemble.Tensor(r, contract, segmentations[i]))];
                features[m].AddRange(members[m].Predict(batch).Select(p => p.Features ?? throw new ModelBundleException(members[m].Bundle.Directory, "returned no features")));
            }
        }

        return features;
    }
}
