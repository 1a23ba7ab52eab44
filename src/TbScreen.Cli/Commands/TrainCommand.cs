using System.CommandLine;
using System.Globalization;
using TbScreen.Imaging;
using TbScreen.Training.Augmentation;
using TbScreen.Training.Distillation;
using TbScreen.Training.Models;
using TbScreen.Training.Splits;
using TbScreen.Training.Robustness;
using TbScreen.Training.Sampling;
using TbScreen.Training.Training;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen train --data MANIFEST --arch alexnet|googlenet|resnet18 [--pretrained] --out DIR [...]`: trains one net (from scratch, or
/// ResNet-18 from the ImageNet weights with --pretrained) on the
/// train split, early-stops on the val split, and writes checkpoints, training.json and split.csv into DIR.
/// </summary>
public static class TrainCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new TrainingOptions();
        var data = new Option<string>("--data") { Description = "Manifest CSV, or an NLM Shenzhen/Montgomery, TBX11K or label-folder layout; several separated by commas train on every source.", Required = true };
        var arch = new Option<string>("--arch") { Description = "alexnet, googlenet or resnet18.", Required = true };
        var pretrained = new Option<bool>("--pretrained") { Description = "resnet18 only: start from the ImageNet weights of the restored Microsoft.ML.DnnImageFeaturizer.ResNet18 package, with a fresh 2-class head (docs/pretrained.md)." };
        var output = new Option<string>("--out", "-o") { Description = "Output folder for checkpoints, training.json and split.csv.", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var size = new Option<int>("--size") { Description = "Input size in pixels (square).", DefaultValueFactory = _ => defaults.Contract.Size };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, initialisation, order and augmentation.", DefaultValueFactory = _ => defaults.Seed };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default 0.01 for sgd, 3e-4 for adamw)." };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd (momentum 0.9) or adamw.", DefaultValueFactory = _ => "sgd" };
        var schedule = new Option<string>("--schedule") { Description = "cosine or step, after a one-epoch linear warm-up.", DefaultValueFactory = _ => "cosine" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var patience = new Option<int>("--patience") { Description = "Early stopping: epochs without a better validation AUC.", DefaultValueFactory = _ => defaults.Patience };
        var threads = new Option<int>("--threads") { Description = "Torch and preprocessing threads.", DefaultValueFactory = _ => defaults.Threads };
        var splitFile = new Option<string?>("--split-file") { Description = "Reuse this split file (split,file,label,source) instead of splitting anew." };
        var ratios = new Option<string>("--split") { Description = "Train/val/test ratios for a new split.", DefaultValueFactory = _ => "0.70,0.15,0.15" };
        var rewind = new Option<string>("--rewind-epochs") { Description = "Epochs to keep as epoch-K.pt for weight rewinding (0 = initialisation), comma-separated, or all (every epoch 0..T).", DefaultValueFactory = _ => string.Join(",", defaults.RewindEpochs) };
        var alexHidden = new Option<int>("--alexnet-hidden") { Description = "AlexNet classifier width (4096 = TorchVision; 512 keeps models/ small).", DefaultValueFactory = _ => ModelOptions.SlimAlexNetHidden };
        var noAugment = new Option<bool>("--no-augment") { Description = "Turn augmentation off." };
        var noCrop = new Option<bool>("--no-crop-borders") { Description = "Keep uniform black borders (cropped by default)." };
        var standardise = new Option<string>("--standardise") { Description = "Intensity standardisation against site shortcuts: none, he (histogram equalisation) or clahe.", DefaultValueFactory = _ => "he" };
        standardise.AcceptOnlyFromAmong("none", "he", "clahe");
        var defence = new Option<string>("--defence") { Description = "Robust training: none, adversarial (FGSM/PGD with random start), trades or lipschitz (docs/robustness.md).", DefaultValueFactory = _ => "none" };
        defence.AcceptOnlyFromAmong("none", "adversarial", "trades", "lipschitz");
        var defenceEps = new Option<string>("--defence-eps") { Description = "Defence Linf radius in [0,1] units, fractions allowed.", DefaultValueFactory = _ => "2/255" };
        var defenceSteps = new Option<int>("--defence-steps") { Description = "Inner-maximisation steps (each one more forward+backward per batch).", DefaultValueFactory = _ => 1 };
        var defenceStep = new Option<string?>("--defence-step-size") { Description = "Inner step in [0,1] units (default: 1.25 eps for one adversarial step, else 2.5 eps / steps)." };
        var defenceBeta = new Option<double>("--defence-beta") { Description = "Strength of the TRADES or Lipschitz term.", DefaultValueFactory = _ => 6 };
        var sampling = new Option<string>("--sampling") { Description = "shuffle, balanced ((source, label) groups equally often) or groupdro (balanced + group DRO, Sagawa et al. 2020).", DefaultValueFactory = _ => "shuffle" };
        sampling.AcceptOnlyFromAmong("shuffle", "balanced", "groupdro");
        var selection = new Option<string>("--selection") { Description = "Best-epoch AUC: within-source (sources holding both classes) or pooled.", DefaultValueFactory = _ => "within-source" };
        selection.AcceptOnlyFromAmong("within-source", "pooled");
        var acquisition = new Option<bool>("--acquisition-augment") { Description = "Acquisition-style augmentation: window, blur/sharpen, noise, JPEG, resolution, borders, burned-in text, histogram matching across sources." };
        var excludeSource = new Option<string[]>("--exclude-source") { Description = "Leave these sources out of training and validation (leave-one-source-out runs).", AllowMultipleArgumentsPerToken = true };
        var distillEpochs = new Option<int>("--distill-epochs") { Description = "Feature-distillation pretraining epochs before fine-tuning: the network learns to reproduce a ResNet-18 teacher's features on the training radiographs (0 = off)." };
        var distillTeacher = new Option<string>("--distill-teacher") { Description = "imagenet (the package's ResNet-18) or a resnet18 checkpoint of ours trained under the same input contract.", DefaultValueFactory = _ => "imagenet" };
        var distillLr = new Option<double>("--distill-lr") { Description = "AdamW peak learning rate of the distillation phase.", DefaultValueFactory = _ => new DistillationOptions().LearningRate };
        var softDefaults = new SoftTargetOptions();
        var teacherBundle = new Option<string?>("--teacher") { Description = "Knowledge distillation: a classifier bundle folder (e.g. models/resnet18) whose TB probability on each augmented batch becomes a soft target; its input contract must equal the student's." };
        var teacherWeight = new Option<double>("--teacher-weight") { Description = "Share of the soft-target term in the loss (the rest is cross-entropy).", DefaultValueFactory = _ => softDefaults.Weight };
        var teacherTemperature = new Option<double>("--teacher-temperature") { Description = "Softmax temperature of the soft-target term.", DefaultValueFactory = _ => softDefaults.Temperature };
        var cropToLungs = new Option<bool>("--crop-to-lungs") { Description = "Lung-field crop: the input is the lungs' bounding box plus a margin, found by the lung segmentation bundle (--lungs); images without plausible lungs keep the border crop." };
        var lungs = new Option<string>("--lungs") { Description = "The lung segmentation bundle for --crop-to-lungs.", DefaultValueFactory = _ => Path.Combine("models", "lungs") };
        var noValidation = new Option<bool>("--no-validation") { Description = "Train for exactly --epochs with no validation split (a final model on train + validation, split-folds' final.csv); the model is last.pt." };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each epoch after N batches (smoke runs, timing)." };
        var resume = new Option<bool>("--resume") { Description = "Continue the stopped run in --out from its last finished epoch (resume.json), with the same options; the result equals an uninterrupted run. A finished run is left as it is." };
        var command = new Command("train", "Train AlexNet, GoogLeNet or ResNet-18 (from scratch, or ResNet-18 from ImageNet weights with --pretrained) with a patient-level split.")
        {
            data, arch, pretrained, output, epochs, size, seed, batch, lr, optimizer, schedule, weightDecay, patience, threads,
            splitFile, ratios, rewind, alexHidden, noAugment, noCrop, standardise, maxBatches, defence, defenceEps, defenceSteps, defenceStep, defenceBeta,
            sampling, selection, acquisition, excludeSource, distillEpochs, distillTeacher, distillLr, teacherBundle, teacherWeight, teacherTemperature,
            cropToLungs, lungs, noValidation, resume,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                var contract = defaults.Contract with { Size = result.GetValue(size), CropBorders = !result.GetValue(noCrop), Standardisation = ParseStandardisation(result.GetValue(standardise)!) };
                var options = defaults with
                {
                    Arch = ModelFactory.Normalise(result.GetValue(arch)!),
                    Model = new ModelOptions { AlexNetHidden = result.GetValue(alexHidden), Pretrained = result.GetValue(pretrained) },
                    Contract = result.GetValue(cropToLungs) ? contract.WithLungCrop() : contract,
                    Augmentation = result.GetValue(noAugment) ? AugmentationOptions.None : defaults.Augmentation,
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    LearningRate = result.GetValue(lr),
                    Optimizer = ParseEnum<OptimizerKind>(result.GetValue(optimizer)!, "--optimizer"),
                    Schedule = ParseEnum<LrScheduleKind>(result.GetValue(schedule)!, "--schedule"),
                    WeightDecay = result.GetValue(weightDecay),
                    Patience = result.GetValue(patience),
                    Threads = result.GetValue(threads),
                    Seed = result.GetValue(seed),
                    RewindEpochs = ParseRewindEpochs(result.GetValue(rewind)!, result.GetValue(epochs)),
                    MaxBatchesPerEpoch = result.GetValue(maxBatches),
                    SkipValidation = result.GetValue(noValidation),
                    LungBundle = result.GetValue(cropToLungs) ? result.GetValue(lungs) : null,
                    Acquisition = result.GetValue(acquisition) ? AcquisitionOptions.On : AcquisitionOptions.Off,
                    Sampling = new SamplingOptions
                    {
                        Kind = ParseEnum<SamplingKind>(result.GetValue(sampling)!, "--sampling"),
                        Selection = result.GetValue(selection) == "pooled" ? SelectionKind.Pooled : SelectionKind.WithinSource,
                    },
                    Defence = new DefenceOptions
                    {
                        Kind = ParseEnum<DefenceKind>(result.GetValue(defence)!, "--defence"),
                        Epsilon = RobustnessOptions.ParseNumber(result.GetValue(defenceEps)!),
                        Steps = result.GetValue(defenceSteps),
                        StepSize = result.GetValue(defenceStep) is string step ? RobustnessOptions.ParseNumber(step) : null,
                        Beta = result.GetValue(defenceBeta),
                    },
                    Distillation = new DistillationOptions
                    {
                        Epochs = result.GetValue(distillEpochs),
                        TeacherCheckpoint = result.GetValue(distillTeacher) is string teacher && !teacher.Equals("imagenet", StringComparison.OrdinalIgnoreCase) ? teacher : null,
                        LearningRate = result.GetValue(distillLr),
                    },
                    SoftTargets = new SoftTargetOptions
                    {
                        TeacherBundle = result.GetValue(teacherBundle),
                        Weight = result.GetValue(teacherWeight),
                        Temperature = result.GetValue(teacherTemperature),
                    },
                };
                options.Validate(); // before the slow dataset load
                string outDir = result.GetValue(output)!;
                Directory.CreateDirectory(outDir);
                string[] excluded = result.GetValue(excludeSource) ?? [];
                DatasetPointer.Write(outDir, result.GetValue(data)!, excluded);
                double[] r = ParseDoubles(result.GetValue(ratios)!, "--split", 3);
                bool resuming = result.GetValue(resume);
                string ownSplit = Path.Combine(outDir, DatasetSplit.DefaultFileName);
                // A resumed run without --split-file reads the split it wrote, never a new one over it.
                string? splitToRead = result.GetValue(splitFile) ?? (resuming && File.Exists(ownSplit) ? ownSplit : null);
                var split = DatasetSplit.LoadOrCreate(result.GetValue(data)!, splitToRead,
                    new SplitOptions { Train = r[0], Val = r[1], Test = r[2], Seed = options.Seed }, ownSplit)
                    .WithoutSources(excluded);
                stdout.WriteLine($"{options.Arch}: train {split.Count(SplitName.Train)} ({split.Count(SplitName.Train, 1)} TB), " +
                    $"val {split.Count(SplitName.Val)} ({split.Count(SplitName.Val, 1)} TB), test {split.Count(SplitName.Test)} held out; {options.Contract.Size}px, {options.Threads} threads");
                bool interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
                var trained = interactive
                    ? SpectreTrainingProgress.Run(p => Trainer.Run(split.Records, split.Assignment, options, outDir, p, resume: resuming))
                    : Trainer.Run(split.Records, split.Assignment, options, outDir, new PlainTrainingProgress(stdout), resume: resuming);
                if (options.SkipValidation)
                {
                    stdout.WriteLine($"trained {trained.History.Count} epochs without validation; the model is {Path.Combine(Path.GetFullPath(outDir), "last.pt")}");
                    return ExitCodes.Success;
                }

                stdout.WriteLine($"best val AUC {trained.BestValAuc?.ToString("F4", CultureInfo.InvariantCulture) ?? "n/a"} at epoch {trained.BestEpoch?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}; wrote {Path.GetFullPath(outDir)}");
                return ExitCodes.Success;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
        }));
        return command;
    }

    private static T ParseEnum<T>(string text, string option)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out T value) && Enum.IsDefined(value)
            ? value
            : throw new ArgumentException($"{option} must be one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");

    private static int[] ParseRewindEpochs(string text, int epochs) =>
        text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? Enumerable.Range(0, epochs + 1).ToArray() : ParseInts(text, "--rewind-epochs");

    private static int[] ParseInts(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"{option}: '{t}' is not an integer."))
            .ToArray();

    private static double[] ParseDoubles(string text, string option, int count)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw new ArgumentException($"{option}: '{t}' is not a number."))
            .ToArray();
        return values.Length == count ? values : throw new ArgumentException($"{option} needs {count} comma-separated numbers.");
    }

    private static IntensityStandardisation ParseStandardisation(string value) => value switch
    {
        "he" => IntensityStandardisation.HistogramEqualisation,
        "clahe" => IntensityStandardisation.Clahe,
        _ => IntensityStandardisation.None,
    };
}
