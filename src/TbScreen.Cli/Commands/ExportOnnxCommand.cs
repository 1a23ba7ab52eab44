using System.CommandLine;
using System.Globalization;
using TbScreen.Inference.Bundles;
using TbScreen.Onnx;
using TbScreen.Training.Export;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen export-onnx CHECKPOINT --out models/NAME [--data MANIFEST] [--split-file FILE]`: writes a bundle
/// (model.onnx, metadata.json with validation-chosen thresholds, README.md model card) and proves that ONNX
/// Runtime reproduces the checkpoint's probabilities.
/// </summary>
public static class ExportOnnxCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var checkpoint = new Argument<string>("CHECKPOINT") { Description = "A checkpoint written by `tbscreen train` (best.pt), with its .json sidecar beside it." };
        var output = new Option<string>("--out", "-o") { Description = "Bundle folder, e.g. models/googlenet.", Required = true };
        var data = new Option<string?>("--data") { Description = "The dataset the checkpoint was trained on (its validation split picks the thresholds); default: the one `train` recorded in dataset.json." };
        var splitFile = new Option<string?>("--split-file") { Description = "Split file; default split.csv beside the checkpoint." };
        var name = new Option<string?>("--name") { Description = "Bundle name; default the architecture." };
        var version = new Option<string>("--version") { Description = "Bundle version.", DefaultValueFactory = _ => "1.0.0" };
        var operating = new Option<string>("--operating") { Description = "Operating threshold: sensitivity90 (WHO) or youden.", DefaultValueFactory = _ => ModelThresholds.Sensitivity90Name };
        operating.AcceptOnlyFromAmong(ModelThresholds.Sensitivity90Name, ModelThresholds.YoudenName);
        var fp16 = new Option<bool>("--fp16") { Description = "Store weights as float16 (half the size)." };
        var oof = new Option<string?>("--oof") { Description = "For a final model trained on train + validation (train --no-validation): choose the thresholds and report metrics from out-of-fold predictions instead, one predictions.csv per fold (split-folds), comma-separated." };
        var oofColumn = new Option<string?>("--oof-column") { Description = "The column of the --oof files that holds this net's score; default the bundle name." };
        var lungs = new Option<string?>("--lungs") { Description = "Lung segmentation bundle for a checkpoint trained with --crop-to-lungs; default: the one training recorded." };
        var command = new Command("export-onnx", "Export a training checkpoint as a deployable model bundle (ONNX + metadata + model card).")
        {
            checkpoint, output, data, splitFile, name, version, operating, fp16, lungs, oof, oofColumn,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string path = InputFiles.Require(result.GetValue(checkpoint)!);
            BundleExportResult exported;
            try
            {
                exported = BundleExporter.Export(path, result.GetValue(output)!, new BundleExportOptions
                {
                    DataPath = result.GetValue(data),
                    SplitFile = result.GetValue(splitFile),
                    LungBundle = result.GetValue(lungs),
                    Name = result.GetValue(name),
                    Version = result.GetValue(version)!,
                    OperatingThreshold = result.GetValue(operating)!,
                    Float16 = result.GetValue(fp16),
                    OutOfFoldPredictions = result.GetValue(oof)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    OutOfFoldColumn = result.GetValue(oofColumn),
                });
            }
            catch (Exception e) when (e is OnnxExportException or InvalidOperationException or IOException)
            {
                throw new OutputException($"{path}: export failed: {e.Message}", e);
            }

            var t = exported.Metadata.Thresholds!;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {exported.Directory}: {exported.OnnxBytes / 1e6:F1} MB, thresholds youden={t.Youden:F4} sensitivity90={t.Sensitivity90:F4} (operating {t.Operating}), " +
                $"{exported.ValidationCount} {(result.GetValue(oof) is null ? "validation" : "out-of-fold")} images, ONNX parity {exported.ParityMaxAbsDiff:G2}"));
            return ExitCodes.Success;
        }));
        return command;
    }
}
