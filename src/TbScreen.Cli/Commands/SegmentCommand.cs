using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Segmentation;
using TbScreen.Training.Splits;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen segment PATH... --out DIR`: one 0/255 lung mask PNG per input at the input's size, DIR/&lt;stem&gt;.png.
/// `tbscreen segment --evaluate MANIFEST [--split-file F [--split test]] [--stress]`: Dice against the reference masks
/// (every masked image without a split file, e.g. another hospital's), and with --stress under simulated site changes.
/// </summary>
public static class SegmentCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var paths = new Argument<string[]>("paths") { Description = "DICOM, PNG or JPEG files.", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Folder for the masks (segment), or the JSON report (--evaluate)." };
        var models = new Option<string>("--models") { Description = "Models folder holding the lungs bundle.", DefaultValueFactory = _ => "models" };
        var bundle = new Option<string>("--bundle") { Description = "Segmentation bundle folder name under --models.", DefaultValueFactory = _ => "lungs" };
        var evaluate = new Option<string?>("--evaluate") { Description = "Manifest CSV whose images have masks/<file> beside them: report Dice instead of writing masks." };
        var splitFile = new Option<string?>("--split-file") { Description = "With --evaluate: the split file (split,file,label,source) naming the images; without it every image with a reference mask is scored (another hospital's data)." };
        var stress = new Option<bool>("--stress") { Description = "With --evaluate: also score each image changed the way another hospital's films differ (field of view, portrait, blur, noise, JPEG, resolution, markers, collimation; docs/segmentation.md)." };
        var split = new Option<string>("--split") { Description = "With --evaluate: which split to score.", DefaultValueFactory = _ => "test" };
        var command = new Command("segment", "Segment the lung fields (models/lungs) and write 0/255 masks at each input's size, or evaluate Dice.")
        {
            paths, output, models, bundle, evaluate, splitFile, split, stress,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string[] inputs = result.GetValue(paths) ?? [];
            string? manifest = result.GetValue(evaluate);
            if (manifest is null == (inputs.Length == 0))
            {
                stderr.WriteLine("tbscreen: give either input files or --evaluate MANIFEST, not both or neither.");
                return ExitCodes.Usage;
            }

            if (manifest is null && result.GetValue(output) is null)
            {
                stderr.WriteLine("tbscreen: segment needs --out DIR for the masks.");
                return ExitCodes.Usage;
            }

            using var segmenter = LungSegmenter.FromModels(result.GetValue(models)!, result.GetValue(bundle)!);
            return manifest is null
                ? SegmentFiles(segmenter, inputs, result.GetValue(output)!, stdout, stderr)
                : Evaluate(segmenter, manifest, result.GetValue(splitFile), result.GetValue(split)!, result.GetValue(stress), result.GetValue(output), stdout, stderr);
        }));
        return command;
    }

    private static int SegmentFiles(LungSegmenter segmenter, string[] inputs, string outDir, TextWriter stdout, TextWriter stderr)
    {
        int failed = 0;
        foreach (string path in inputs)
        {
            LungSegmentation segmentation;
            try
            {
                segmentation = segmenter.Segment(RadiographFiles.Load(InputFiles.Require(path)), checkPolarity: true);
            }
            catch (Exception e) when (e is DicomException or ImageDecodeException)
            {
                // One bad file is named and skipped; the others are still segmented (exit code 1 at the end).
                stderr.WriteLine($"tbscreen: {e.Message}");
                failed++;
                continue;
            }

            var mask = segmentation.Mask;
            string target = Path.Combine(outDir, Path.GetFileNameWithoutExtension(path) + ".png");
            OutputFiles.Write(target, GrayPngWriter.Encode(mask.ToBytes(), mask.Width, mask.Height));
            string crop = LungFieldCrop.Find(mask) is PixelRect r ? $"crop top {r.Top} left {r.Left} {r.Columns}x{r.Rows}" : "no crop";
            string polarity = segmentation.LooksInverted is true ? ", looks inverted (the lungs are drawn with more confidence in its negative; check the export)" : "";
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {mask.Width}x{mask.Height}, lungs {(segmentation.LungsFound ? "found" : "not found")} ({segmentation.Check.Reason}){polarity}, {crop} -> {target}"));
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.SomeInputsFailed;
    }

    private static int Evaluate(LungSegmenter segmenter, string manifest, string? splitFile, string splitText, bool stress, string? jsonOut, TextWriter stdout, TextWriter stderr)
    {
        List<CxrRecord> records;
        string splitName;
        if (splitFile is null)
        {
            records = DatasetLoader.Load(manifest).Where(MaskedImages.HasReferenceMask).ToList();
            splitName = "all";
            stdout.WriteLine($"no --split-file: scoring every image with a reference mask ({records.Count}); use this only for data the model never trained on");
        }
        else
        {
            SplitName split;
            try
            {
                split = SplitNames.Parse(splitText);
            }
            catch (FormatException e)
            {
                stderr.WriteLine($"tbscreen: --split: {e.Message}");
                return ExitCodes.Usage;
            }

            var data = DatasetSplit.LoadOrCreate(manifest, splitFile, new SplitOptions(), null);
            records = data.Records.Where(r => data.Assignment[r] == split && MaskedImages.HasReferenceMask(r)).ToList();
            splitName = SplitNames.ToText(split);
        }

        object report;
        if (stress)
        {
            var result = LungStress.Run(segmenter, records, splitName);
            stdout.WriteLine($"{result.Split}: {records.Count} images with masks, each under {result.Conditions.Count} conditions");
            stdout.WriteLine("condition        mean Dice (95% CI)        min     change  lungs not found");
            foreach (var row in result.Conditions)
            {
                var d = row.Dice;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Condition,-16} {d.Mean:F4} ({d.MeanCi![0]:F4}-{d.MeanCi[1]:F4})  {d.Min:F4}  {row.MeanChange,7:+0.0000;-0.0000;0.0000}  {row.LungsNotFound}"));
            }

            report = result;
        }
        else
        {
            var evaluation = LungEvaluation.Run(segmenter, records, splitName);
            var d = evaluation.Dice;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{evaluation.Split}: {d.Count} images with masks; Dice mean {d.Mean:F4} (95% CI {d.MeanCi![0]:F4}-{d.MeanCi[1]:F4}), min {d.Min:F4}, 5th percentile {d.P5:F4}, median {d.Median:F4}; lungs not found: {evaluation.LungsNotFound}"));
            report = evaluation;
        }

        if (jsonOut is not null)
        {
            OutputFiles.Write(jsonOut, JsonSerializer.SerializeToUtf8Bytes(report, report.GetType(), BundleJson.Options));
            stdout.WriteLine($"wrote {jsonOut}");
        }

        return ExitCodes.Success;
    }
}
