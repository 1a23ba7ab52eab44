using System.CommandLine;
using System.Globalization;
using TbScreen.Training.Augmentation;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Segmentation;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen train-lungs --data MANIFEST --out DIR [...]`: trains the lung U-Net on the images that have a mask
/// (masks/&lt;file&gt; beside the manifest). The whole manifest is split by patient, so the written split.csv
/// (split,file,label,source) also serves a classifier trained on the same data.
/// </summary>
public static class TrainLungsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new SegmentationOptions();
        var data = new Option<string>("--data") { Description = "Manifest CSV; lung masks are read from masks/<file> beside it.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output folder for best.pt, last.pt, training.json and split.csv.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (cosine schedule over all of them).", DefaultValueFactory = _ => defaults.Epochs };
        var size = new Option<int>("--size") { Description = "Model input size in pixels (square, a multiple of 2^depth).", DefaultValueFactory = _ => defaults.Contract.Size };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, initialisation, order and augmentation.", DefaultValueFactory = _ => defaults.Seed };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "AdamW peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var width = new Option<int>("--width") { Description = "U-Net base width (channels at full resolution).", DefaultValueFactory = _ => defaults.Net.BaseWidth };
        var depth = new Option<int>("--depth") { Description = "U-Net down-sampling steps.", DefaultValueFactory = _ => defaults.Net.Depth };
        var threads = new Option<int>("--threads") { Description = "Torch and preprocessing threads.", DefaultValueFactory = _ => defaults.Threads };
        var splitFile = new Option<string?>("--split-file") { Description = "Reuse this split file (split,file,label,source) instead of splitting anew." };
        var ratios = new Option<string>("--split") { Description = "Train/val/test ratios for a new split.", DefaultValueFactory = _ => "0.70,0.15,0.15" };
        var zoomOut = new Option<double>("--zoom-out") { Description = "Field-of-view augmentation: half the images shrink by up to this fraction (0 = off; 0.25 covers a film showing more of the body).", DefaultValueFactory = _ => 0 };
        var aspect = new Option<double>("--aspect") { Description = "Field-of-view augmentation: width and height stretched by 1 ± this and its inverse (0 = off; 0.12 covers portrait films).", DefaultValueFactory = _ => 0 };
        var acquisition = new Option<bool>("--acquisition-augment") { Description = "The classifier's acquisition-style augmentation on the image only: window, blur/sharpen, noise, JPEG, resolution, borders, burned-in text, histogram matching across sources." };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each epoch after N batches (smoke runs, timing)." };
        var command = new Command("train-lungs", "Train the lung-field U-Net on radiographs with lung masks (patient-level split).")
        {
            data, output, epochs, size, seed, batch, lr, width, depth, threads, splitFile, ratios, zoomOut, aspect, acquisition, maxBatches,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                var options = defaults with
                {
                    Contract = defaults.Contract with { Size = result.GetValue(size) },
                    Net = new UNetOptions { BaseWidth = result.GetValue(width), Depth = result.GetValue(depth) },
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    LearningRate = result.GetValue(lr),
                    Threads = result.GetValue(threads),
                    Seed = result.GetValue(seed),
                    MaxBatchesPerEpoch = result.GetValue(maxBatches),
                    FieldOfView = new FieldOfViewOptions { ZoomOut = result.GetValue(zoomOut), Aspect = result.GetValue(aspect) },
                    Acquisition = result.GetValue(acquisition) ? AcquisitionOptions.On : AcquisitionOptions.Off,
                };
                options.Validate(); // before the slow dataset load
                string outDir = result.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                DatasetPointer.Write(outDir, result.GetValue(data)!);
                double[] r = ParseRatios(result.GetValue(ratios)!);
                var split = DatasetSplit.LoadOrCreate(result.GetValue(data)!, result.GetValue(splitFile),
                    new SplitOptions { Train = r[0], Val = r[1], Test = r[2], Seed = options.Seed }, Path.Combine(outDir, DatasetSplit.DefaultFileName));
                List<CxrRecord> Masked(SplitName name) =>
                    split.Records.Where(x => split.Assignment[x] == name && MaskedImages.HasMask(x)).ToList();
                var train = Masked(SplitName.Train);
                var val = Masked(SplitName.Val);
                stdout.WriteLine($"lungs: {split.Records.Count} images split by patient; with masks: train {train.Count}, val {val.Count}, " +
                    $"test {Masked(SplitName.Test).Count} held out; {options.Contract.Size}px, U-Net depth {options.Net.Depth} width {options.Net.BaseWidth}, {options.Threads} threads");
                var trained = SegmentationTrainer.Run(train, val, options, outDir, stdout);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"best val Dice {trained.BestValDice:F4} at epoch {trained.BestEpoch}; {trained.TotalSeconds / 60:F1} min; wrote {Path.GetFullPath(outDir)}"));
                return ExitCodes.Success;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (SegmentationTrainingException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.OutputError;
            }
        }));
        return command;
    }

    private static double[] ParseRatios(string text)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new ArgumentException($"--split: '{t}' is not a number."))
            .ToArray();
        return values.Length == 3 ? values : throw new ArgumentException("--split needs 3 comma-separated numbers.");
    }
}
