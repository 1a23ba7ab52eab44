using System.Text.Json;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Training;

namespace TbScreen.Training.Robustness;

/// <summary>One shipped bundle with its ONNX session and the TorchSharp checkpoint proven to be its source.</summary>
public sealed class LoadedBundle : IDisposable
{
    public LoadedBundle(ModelBundle bundle, OnnxClassifier onnx, NetTarget target, CheckpointProof proof, IDisposable model)
    {
        Bundle = bundle;
        Onnx = onnx;
        Target = target;
        Proof = proof;
        Model = model;
    }

    public ModelBundle Bundle { get; }

    public OnnxClassifier Onnx { get; }

    public NetTarget Target { get; }

    public CheckpointProof Proof { get; }

    public IDisposable Model { get; }

    public string Name => Bundle.Name;

    public InputContract Contract => Bundle.Metadata.Input!;

    public void Dispose()
    {
        Onnx.Dispose();
        Model.Dispose();
    }
}

/// <summary>Finds each bundle's checkpoint (given on the command line, or named by the bundle's lineage) and proves it by parity.</summary>
public static class BundleTargets
{
    /// <param name="checkpoints">Bundle name to checkpoint path, from --checkpoint NAME=PATH.</param>
    /// <param name="parityPlanes">Real [0,1] images for the parity check.</param>
    public static LoadedBundle Load(string bundleDirectory, IReadOnlyDictionary<string, string> checkpoints, IReadOnlyList<float[]> parityPlanes, double tolerance, InferenceOptions inference)
    {
        var bundle = ModelBundle.Load(bundleDirectory);
        string checkpoint = checkpoints.TryGetValue(bundle.Name, out var given) ? given
            : LineageCheckpoint(bundleDirectory)
              ?? throw new RobustnessException(Path.Combine(bundleDirectory, ModelBundle.MetadataFileName),
                  $"names no source checkpoint (no lineage.checkpoint); pass --checkpoint {bundle.Name}=PATH to the .pt it was exported from");
        if (!File.Exists(checkpoint))
        {
            throw new RobustnessException(checkpoint, $"checkpoint of bundle '{bundle.Name}' not found");
        }

        if (!File.Exists(Path.ChangeExtension(checkpoint, ".json")))
        {
            throw new RobustnessException(checkpoint, "has no .json sidecar beside it (the trainer writes one; it says which architecture to build)");
        }

        var onnx = new OnnxClassifier(bundle, inference);
        try
        {
            var (model, sidecar) = Checkpoints.Load(checkpoint);
            try
            {
                if (ModelFactory(sidecar.Arch) != ModelFactory(bundle.Metadata.Architecture))
                {
                    throw new RobustnessException(checkpoint, $"is a {sidecar.Arch} checkpoint but bundle '{bundle.Name}' is {bundle.Metadata.Architecture}");
                }

                var contract = bundle.Metadata.Input!;
                var inputs = parityPlanes.Select(p => RadiographPipeline.ToModelInput(p, contract)).ToArray();
                double difference = CheckpointParity.Verify(model, checkpoint, onnx, inputs, tolerance);
                var proof = new CheckpointProof(bundle.Name, Path.GetFullPath(checkpoint), ModelBundle.Sha256Of(checkpoint), Path.GetFullPath(bundle.OnnxPath),
                    bundle.Metadata.OnnxSha256, inputs.Length, difference, tolerance);
                return new LoadedBundle(bundle, onnx, new NetTarget(bundle.Name, model, contract, bundle.Threshold), proof, model);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        catch
        {
            onnx.Dispose();
            throw;
        }
    }

    /// <summary>Reads an ensemble definition from any file (ensemble.json, ensemble-pruned.json), validated.</summary>
    public static EnsembleDefinition LoadEnsemble(string path)
    {
        EnsembleDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<EnsembleDefinition>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new RobustnessException(path, $"not a readable ensemble definition: {e.Message}", e);
        }

        var problems = definition?.Problems() ?? ["is null"];
        return problems.Count == 0 ? definition! : throw new RobustnessException(path, "invalid: " + string.Join("; ", problems));
    }

    /// <summary>
    /// Attacks and corruptions score each image once. A definition that averages test-time views has its threshold on
    /// another score, so a report on it would describe an operating point screening never uses: refused.
    /// </summary>
    public static void RefuseTestTimeViews(string path, EnsembleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.TestTimeAugmentation is not null)
        {
            throw new RobustnessException(path, $"averages {definition.TestTimeViews} test-time views per image; robustness runs score single views, so its threshold would not apply");
        }
    }

    /// <summary>
    /// The checkpoint a bundle's metadata.json names in its optional "lineage" object (written for pruned bundles):
    /// "checkpoint" (or "prunedCheckpoint"/"checkpointPath"), relative to the bundle folder unless absolute. A
    /// "checkpointSha256" beside it must match the file.
    /// </summary>
    public static string? LineageCheckpoint(string bundleDirectory)
    {
        string metadataPath = Path.Combine(bundleDirectory, ModelBundle.MetadataFileName);
        using var document = JsonDocument.Parse(File.ReadAllText(metadataPath));
        if (!document.RootElement.TryGetProperty("lineage", out var lineage) || lineage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? path = null;
        foreach (string name in new[] { "checkpoint", "prunedCheckpoint", "checkpointPath" })
        {
            if (lineage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                path = value.GetString();
                break;
            }
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        path = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(bundleDirectory, path));
        if (lineage.TryGetProperty("checkpointSha256", out var sha) && sha.ValueKind == JsonValueKind.String && File.Exists(path)
            && !string.Equals(ModelBundle.Sha256Of(path), sha.GetString(), StringComparison.OrdinalIgnoreCase))
        {
            throw new RobustnessException(path, $"SHA-256 differs from lineage.checkpointSha256 in {metadataPath}");
        }

        return path;
    }

    private static string ModelFactory(string arch) => Models.ModelFactory.Normalise(arch);
}
