using System.CommandLine;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Robustness;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen import-bundle models/alexnet --out DIR/alexnet.pt --data MANIFEST [--split test --split-file F]`: rebuilds
/// the float32 TorchSharp checkpoint from a bundle's model.onnx (for `tbscreen robustness --checkpoint NAME=PATH` when
/// the training checkpoint is gone) and writes it only if it reproduces ONNX Runtime on real images of the manifest.
/// </summary>
public static class ImportBundleCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var bundle = new Argument<string>("bundle") { Description = "A float32 AlexNet or GoogLeNet bundle folder exported by tbscreen." };
        var output = new Option<string>("--out", "-o") { Description = "Checkpoint to write (.pt; its .json sidecar goes beside it).", Required = true };
        var data = new Option<string>("--data") { Description = "Manifest CSV or dataset folder (as for train) whose first images prove the import by parity.", Required = true };
        var split = new Option<string?>("--split") { Description = "Take the parity images from this split (e.g. test)." };
        var splitFile = new Option<string?>("--split-file") { Description = "CSV file,split (e.g. models/split.csv)." };
        var images = new Option<int>("--parity-images") { Description = "Real images the net must reproduce.", DefaultValueFactory = _ => 4 };
        var tolerance = new Option<double>("--parity-tolerance") { Description = "Largest |P_torch - P_onnx| accepted.", DefaultValueFactory = _ => CheckpointParity.DefaultTolerance };
        var threads = new Option<int>("--threads") { Description = "Torch and ONNX Runtime threads.", DefaultValueFactory = _ => 1 };
        var command = new Command("import-bundle", "Rebuild a TorchSharp float32 checkpoint from a bundle's model.onnx, proven by parity with ONNX Runtime.")
        {
            bundle, output, data, split, splitFile, images, tolerance, threads,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string dir = result.GetValue(bundle)!;
            int count = result.GetValue(images);
            if (count < 1 || !(result.GetValue(tolerance) > 0)) throw new UsageException("--parity-images must be at least 1 and --parity-tolerance positive");
            string manifest = InputFiles.RequireData(result.GetValue(data)!);
            var rows = ManifestReader.Read(manifest);
            if (result.GetValue(split) is string name) rows = ManifestReader.Filter(rows, name, result.GetValue(splitFile), manifest);
            TorchSharp.torch.set_num_threads(Math.Max(1, result.GetValue(threads)));
            var contract = ModelBundle.ReadMetadata(dir).Input!;
            var planes = RobustnessData.Load(rows.Take(count).ToArray(), contract, 1).Planes;
            if (planes.Length == 0) throw new UsageException($"{manifest}: no readable image for the parity check");
            try
            {
                var proof = BundleCheckpoint.Write(dir, result.GetValue(output)!, planes, result.GetValue(tolerance), new InferenceOptions { IntraOpThreads = Math.Max(1, result.GetValue(threads)) });
                stdout.WriteLine($"{proof.Checkpoint}: imported from {proof.Onnx} (SHA-256 {proof.OnnxSha256}); max |P_torch - P_onnx| {proof.ParityMaxDifference:G3} on {proof.ParityImages} images of {Path.GetFileName(manifest)} (tolerance {proof.Tolerance:G2})");
                return ExitCodes.Success;
            }
            catch (RobustnessException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.ModelError;
            }
        }));
        return command;
    }
}
