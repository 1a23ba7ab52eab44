using System.CommandLine;
using System.Globalization;
using TbScreen.Audit.Bias;
using TbScreen.Training.Experiments;
using TbScreen.Imaging;
using TbScreen.Training.Models;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen audit bias-experiment --data MANIFEST --split-file split.csv --group random=0.5 --label-bias 0,0.2,0.4,0.6
/// --selection-bias 0.5 --out DIR`: Wick et al.'s label-bias experiment (docs/fairness.md).
/// </summary>
public static class BiasExperimentCommand
{
    public const string DefaultRationale =
        "random=0.5 is a seeded synthetic patient attribute: in the development images sex and age exist only for negatives " +
        "(no positives to bias) and site is confounded with the label, so no real attribute has positives on both sides.";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Manifest CSV or a supported layout (as for train).", Required = true };
        var splitFile = new Option<string?>("--split-file") { Description = "Split file to reuse (models/split.csv); a new seeded 70/15/15 split otherwise." };
        var group = new Option<string>("--group") { Description = "Group whose positives are biased: sex=F, site=NAME, age=BAND or random=P.", DefaultValueFactory = _ => "random=0.5" };
        var labelBias = new Option<string>("--label-bias") { Description = "Fractions of the group's positives flipped to negative, one model each.", DefaultValueFactory = _ => "0,0.2,0.4,0.6" };
        var selectionBias = new Option<string>("--selection-bias") { Description = "Fractions of the group's positives dropped, one model each (0 = none).", DefaultValueFactory = _ => "0.5" };
        var arch = new Option<string>("--arch") { Description = "alexnet or googlenet.", DefaultValueFactory = _ => ModelFactory.AlexNet };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per model (same schedule for all).", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Input size in pixels (smaller is cheaper; the bias effect is relative).", DefaultValueFactory = _ => 224 };
        var optimizer = new Option<string>("--optimizer") { Description = "adamw (as the shipped AlexNet was trained; learns in few epochs) or sgd.", DefaultValueFactory = _ => "adamw" };
        optimizer.AcceptOnlyFromAmong("adamw", "sgd");
        var seed = new Option<int>("--seed") { Description = "Seed for training, bias selection, synthetic group and bootstrap.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Torch and preprocessing threads (1 is much faster on a shared, busy machine).", DefaultValueFactory = _ => 1 };
        var threshold = new Option<double>("--threshold") { Description = "Decision threshold on P(TB) for accuracy and the gaps.", DefaultValueFactory = _ => 0.5 };
        var bootstrap = new Option<int>("--bootstrap") { Description = "Bootstrap replicates for the gap CIs.", DefaultValueFactory = _ => 1000 };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each epoch after N batches (smoke runs only)." };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the models (one subfolder each) and bias-experiment.json/.csv/.svg.", Required = true };
        var command = new Command("bias-experiment", "Wick et al. label-bias experiment: train one model per injected label/selection bias, evaluate against biased and clean labels. Research use only.")
        {
            data, splitFile, group, labelBias, selectionBias, arch, epochs, size, optimizer, seed, threads, threshold, bootstrap, maxBatches, output,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                var biasGroup = BiasGroup.Parse(result.GetValue(group)!);
                var training = new TrainingOptions
                {
                    Arch = ModelFactory.Normalise(result.GetValue(arch)!),
                    Contract = new TrainingOptions().Contract with { Size = result.GetValue(size), Standardisation = IntensityStandardisation.HistogramEqualisation },
                    Epochs = result.GetValue(epochs),
                    Optimizer = result.GetValue(optimizer) == "sgd" ? OptimizerKind.Sgd : OptimizerKind.AdamW,
                    Seed = result.GetValue(seed),
                    Threads = result.GetValue(threads),
                    RewindEpochs = [],
                    MaxBatchesPerEpoch = result.GetValue(maxBatches),
                };
                training.Validate();
                var options = new BiasExperimentOptions(biasGroup, Fractions(result.GetValue(labelBias)!, "--label-bias"),
                    Fractions(result.GetValue(selectionBias)!, "--selection-bias"), training, result.GetValue(threshold),
                    Math.Max(10, result.GetValue(bootstrap)),
                    biasGroup.Attribute == BiasGroup.Random ? DefaultRationale : $"group {biasGroup.Name} chosen by the caller");
                string outDir = result.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                var split = DatasetSplit.LoadOrCreate(result.GetValue(data)!, result.GetValue(splitFile), new SplitOptions { Seed = training.Seed },
                    Path.Combine(outDir, DatasetSplit.DefaultFileName));
                var report = BiasExperimentRunner.Run(split, options, outDir, stdout);
                BiasExperimentOutputs.Write(outDir, report);
                stdout.WriteLine(BiasExperimentTables.Summary(report));
                stdout.WriteLine($"wrote {Path.Combine(Path.GetFullPath(outDir), BiasExperimentOutputs.JsonFileName)}");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
        }));
        return command;
    }

    internal static double[] Fractions(string text, string option)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v is >= 0 and <= 1
                ? v : throw new FormatException($"{option}: '{t}' is not a fraction in [0, 1]"))
            .ToArray();
        return values.Length > 0 ? values : throw new FormatException($"{option} needs at least one fraction");
    }
}
