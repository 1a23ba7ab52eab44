using System.CommandLine;
using System.Globalization;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Segmentation;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen export-lungs --checkpoint DIR/best.pt --out models/lungs`: exports the U-Net to ONNX, writes the bundle's
/// metadata.json and split.csv, then scores the bundle itself (ONNX Runtime, original resolution) on the validation
/// and test masks and records both in metadata.json. The model card (README.md) is written by hand.
/// </summary>
public static class ExportLungsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "best.pt written by train-lungs (its split.csv and dataset.json beside it).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Bundle folder, e.g. models/lungs.", Required = true };
        var version = new Option<string>("--version") { Description = "Bundle version.", DefaultValueFactory = _ => "1.0.0" };
        var command = new Command("export-lungs", "Export a lung U-Net checkpoint as a segmentation bundle and measure its Dice on the val and test masks.")
        {
            checkpoint, output, version,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string source = result.GetValue(checkpoint)!;
            string outDir = result.GetValue(output)!;
            string runDir = Path.GetDirectoryName(Path.GetFullPath(source))!;
            string manifest = DatasetPointer.Read(source);
            string splitPath = Path.Combine(runDir, DatasetSplit.DefaultFileName);
            var sidecar = SegmentationTrainer.Load(source);
            sidecar.Model.Dispose();
            var data = DatasetSplit.LoadOrCreate(manifest, splitPath, new SplitOptions(), null);
            List<CxrRecord> Masked(SplitName name) => data.Records.Where(r => data.Assignment[r] == name && MaskedImages.HasMask(r)).ToList();
            var split = new SegmentationSplit
            {
                File = DatasetSplit.DefaultFileName,
                Seed = sidecar.Sidecar.Options.Seed,
                Train = Masked(SplitName.Train).Count,
                Validation = Masked(SplitName.Val).Count,
                Test = Masked(SplitName.Test).Count,
            };
            LungBundleExporter.Export(source, outDir, result.GetValue(version)!, split,
                $"Shenzhen (NLM; {data.Records.Count} images, {split.Train + split.Validation + split.Test} with lung masks), patient-level split");
            File.Copy(splitPath, Path.Combine(outDir, DatasetSplit.DefaultFileName), overwrite: true);
            using var segmenter = new LungSegmenter(SegmentationBundle.Load(outDir));
            double parity = CheckParity(source, segmenter, Masked(SplitName.Val).Take(8).ToList());
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parity: ONNX Runtime vs TorchSharp max |probability diff| {parity:E2} on 8 validation images"));
            var val = LungEvaluation.Run(segmenter, Masked(SplitName.Val), "validation");
            var test = LungEvaluation.Run(segmenter, Masked(SplitName.Test), "test");
            LungBundleExporter.WithEvaluation(outDir, val, test, parity);
            foreach (var e in new[] { val, test })
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Split}: {e.Dice.Count} images; Dice mean {e.Dice.Mean:F4} (95% CI {e.Dice.MeanCi![0]:F4}-{e.Dice.MeanCi[1]:F4}), min {e.Dice.Min:F4}, median {e.Dice.Median:F4}; lungs not found {e.LungsNotFound}"));
            }

            stdout.WriteLine($"wrote {Path.GetFullPath(outDir)} ({new FileInfo(Path.Combine(outDir, ModelBundle.OnnxFileName)).Length / 1e6:F1} MB model.onnx)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static double CheckParity(string checkpoint, LungSegmenter segmenter, IReadOnlyList<CxrRecord> images)
    {
        var (model, sidecar) = SegmentationTrainer.Load(checkpoint);
        using (model)
        {
            var contract = sidecar.Options.Contract;
            var inputs = images.Select(r => RadiographPipeline.ToTensor(RadiographFiles.Load(r.Path), contract)).ToList();
            return LungParity.Verify(model, checkpoint, segmenter, inputs);
        }
    }
}
