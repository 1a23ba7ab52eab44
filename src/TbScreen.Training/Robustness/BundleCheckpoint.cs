using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Export;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Robustness;

/// <summary>
/// A float32 TorchSharp net recovered from a shipped bundle's model.onnx (<see cref="OnnxWeightImport"/>) and proven to
/// be that graph by <see cref="CheckpointParity"/> on real images, for the attacks when the training checkpoint is gone.
/// </summary>
public static class BundleCheckpoint
{
    /// <summary>Imports the bundle's net and verifies it against ONNX Runtime; throws <see cref="CheckpointParityException"/> above the tolerance.</summary>
    /// <param name="parityPlanes">Real preprocessed [0,1] gray planes of the bundle's contract size.</param>
    public static (nn.Module<Tensor, Tensor> Model, OnnxWeightImport.Imported Import, CheckpointProof Proof) Import(
        ModelBundle bundle, IReadOnlyList<float[]> parityPlanes, double tolerance, InferenceOptions inference)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(parityPlanes);
        if (bundle.Metadata.Quantization is not null)
        {
            throw new RobustnessException(bundle.Directory, $"is INT8 (quantization.sourceBundle '{bundle.Metadata.Quantization.SourceBundle}'); import the float32 source instead");
        }

        OnnxWeightImport.Imported imported;
        try
        {
            imported = OnnxWeightImport.Import(bundle.OnnxPath, bundle.Metadata.Architecture);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new RobustnessException(bundle.OnnxPath, e.Message, e);
        }

        try
        {
            using var onnx = new OnnxClassifier(bundle, inference);
            var contract = bundle.Metadata.Input!;
            var inputs = parityPlanes.Select(p => RadiographPipeline.ToModelInput(p, contract)).ToArray();
            double difference = CheckpointParity.Verify(imported.Model, bundle.OnnxPath, onnx, inputs, tolerance);
            // No checkpoint file yet (Write fills in the one it saves): the net lives in memory.
            var proof = new CheckpointProof(bundle.Name, "(in memory, imported from model.onnx)", "", Path.GetFullPath(bundle.OnnxPath), bundle.Metadata.OnnxSha256,
                inputs.Length, difference, tolerance);
            return (imported.Model, imported, proof);
        }
        catch
        {
            imported.Model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the proven net as a checkpoint (.pt plus the .json sidecar <see cref="Checkpoints.Load"/> reads) that
    /// `tbscreen robustness --checkpoint NAME=PATH` accepts. Nothing is written when parity fails.
    /// </summary>
    public static CheckpointProof Write(string bundleDirectory, string checkpointPath, IReadOnlyList<float[]> parityPlanes, double tolerance, InferenceOptions inference)
    {
        var bundle = ModelBundle.Load(bundleDirectory);
        var (model, imported, proof) = Import(bundle, parityPlanes, tolerance, inference);
        using (model)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!;
            Directory.CreateDirectory(directory);
            string temporary = checkpointPath + ".tmp";
            model.save(temporary);
            File.Move(temporary, checkpointPath, overwrite: true);
            // Epoch -1 and seed 0: no training happened; the weights are the bundle's, proven by parity.
            var options = new TrainingOptions { Arch = bundle.Metadata.Architecture, Model = imported.Options, Contract = bundle.Metadata.Input!, Seed = 0 };
            TrainingJson.Write(Path.ChangeExtension(checkpointPath, ".json"), new CheckpointSidecar(Path.GetFileName(checkpointPath), bundle.Metadata.Architecture, -1, 0, null, 0, options,
                typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown", DateTimeOffset.UtcNow));
            return proof with { Checkpoint = Path.GetFullPath(checkpointPath), CheckpointSha256 = ModelBundle.Sha256Of(checkpointPath) };
        }
    }
}
