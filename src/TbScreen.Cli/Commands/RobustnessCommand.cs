using System.CommandLine;
using System.Globalization;
using TbScreen.Inference.Evaluation;
using TbScreen.Training.Robustness;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen robustness --models DIR --data MANIFEST --eps 0.5/255,1/255,2/255,4/255 --out DIR [...]`: FGSM and PGD
/// robust accuracy, the empirical local Lipschitz constant and natural corruptions for every bundle and ensemble
/// (docs/robustness.md). The attacks run in TorchSharp on checkpoints proven to be the bundles' by ONNX parity.
/// </summary>
public static class RobustnessCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new RobustnessOptions();
        var models = new Option<string>("--models") { Description = "models/ folder: bundles and ensemble*.json.", DefaultValueFactory = _ => "models" };
        var data = new Option<string>("--data") { Description = "Manifest CSV (file,label,...), paths relative to it, or a dataset folder (as for train).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: one <target>/robustness.json (+ SVG plots) per bundle and ensemble.", Required = true };
        var eps = new Option<string>("--eps") { Description = "Linf radii in [0,1] units, fractions allowed.", DefaultValueFactory = _ => "0.5/255,1/255,2/255,4/255" };
        var split = new Option<string?>("--split") { Description = "Use only this split (e.g. test)." };
        var splitFile = new Option<string?>("--split-file") { Description = "CSV file,split (e.g. models/split.csv); without it the manifest's split column." };
        var checkpoint = new Option<string[]>("--checkpoint") { Description = "NAME=PATH: the TorchSharp checkpoint bundle NAME was exported from (repeatable).", AllowMultipleArgumentsPerToken = false };
        var bundles = new Option<string?>("--bundles") { Description = "Comma-separated bundle folders (default: every folder with metadata.json)." };
        var ensembles = new Option<string?>("--ensembles") { Description = "Comma-separated ensemble files under --models (default: every ensemble*.json whose members all ran)." };
        var only = new Option<string?>("--only") { Description = "Comma-separated targets to evaluate (bundle or ensemble names); an ensemble's bundles are still loaded. Default: all." };
        var baseline = new Option<string?>("--baseline") { Description = "An earlier run's --out: its dense reports pair with the pruned targets of this run." };
        var pgdSteps = new Option<int>("--pgd-steps") { Description = "PGD iterations.", DefaultValueFactory = _ => defaults.Pgd.Steps };
        var pgdStep = new Option<string?>("--pgd-step-size") { Description = "PGD step in [0,1] units (default 2.5 eps / steps)." };
        var restarts = new Option<int>("--restarts") { Description = "PGD random restarts.", DefaultValueFactory = _ => defaults.Pgd.Restarts };
        var noRandomStart = new Option<bool>("--no-random-start") { Description = "Start PGD at the clean image." };
        var lipSteps = new Option<int>("--lip-steps") { Description = "Lipschitz search steps (Yang et al.: 10).", DefaultValueFactory = _ => defaults.Lipschitz.Steps };
        var lipStep = new Option<string>("--lip-step-size") { Description = "Lipschitz search step (Yang et al.: 0.003, fixed for every eps).", DefaultValueFactory = _ => "0.003" };
        var lipOutputs = new Option<string>("--lip-outputs") { Description = "f for single nets: logits, probabilities or both (the ensemble always uses probabilities).", DefaultValueFactory = _ => "both" };
        lipOutputs.AcceptOnlyFromAmong("logits", "probabilities", "both");
        var noCorruptions = new Option<bool>("--no-corruptions") { Description = "Skip the natural corruptions (an existing report's are kept)." };
        var noAttacks = new Option<bool>("--no-attacks") { Description = "Skip FGSM, PGD and the Lipschitz estimate (an existing report's are kept)." };
        var seed = new Option<int>("--seed") { Description = "Seed for random starts and corruptions.", DefaultValueFactory = _ => defaults.Seed };
        var limit = new Option<int?>("--limit") { Description = "Only the first N images (smoke runs)." };
        var attackLimit = new Option<int?>("--attack-limit") { Description = "Attack only a class-balanced subset of N images (clean metrics and corruptions use all)." };
        var threads = new Option<int>("--threads") { Description = "Torch, ONNX Runtime and preprocessing threads.", DefaultValueFactory = _ => defaults.Threads };
        var batch = new Option<int>("--batch") { Description = "Images per attack batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var parity = new Option<double>("--parity-tolerance") { Description = "Largest |P_torch - P_onnx| accepted when matching a checkpoint to its bundle; 1e-2 for bundles exported with --fp16 (their weights are rounded).", DefaultValueFactory = _ => defaults.ParityTolerance };
        var command = new Command("robustness", "Adversarial robustness (FGSM, PGD), empirical local Lipschitz constant and natural corruptions of every bundle and ensemble.")
        {
            models, data, output, eps, split, splitFile, checkpoint, bundles, ensembles, only, baseline, pgdSteps, pgdStep, restarts, noRandomStart,
            lipSteps, lipStep, lipOutputs, noCorruptions, noAttacks, seed, limit, attackLimit, threads, batch, parity,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(splitFile) is not null && result.GetValue(split) is null)
            {
                result.AddError("--split-file needs --split to say which split to use.");
            }
        });
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                var options = defaults with
                {
                    Epsilons = RobustnessOptions.ParseEpsilons(result.GetValue(eps)!),
                    Pgd = new PgdOptions
                    {
                        Steps = result.GetValue(pgdSteps),
                        StepSize = result.GetValue(pgdStep) is string s ? RobustnessOptions.ParseNumber(s) : null,
                        Restarts = result.GetValue(restarts),
                        RandomStart = !result.GetValue(noRandomStart),
                    },
                    Lipschitz = defaults.Lipschitz with { Steps = result.GetValue(lipSteps), StepSize = RobustnessOptions.ParseNumber(result.GetValue(lipStep)!) },
                    NetLipschitzOutputs = result.GetValue(lipOutputs) switch
                    {
                        "logits" => [LipschitzOutputKind.Logits],
                        "probabilities" => [LipschitzOutputKind.Probabilities],
                        _ => [LipschitzOutputKind.Logits, LipschitzOutputKind.Probabilities],
                    },
                    Corruptions = !result.GetValue(noCorruptions),
                    Attacks = !result.GetValue(noAttacks),
                    Seed = result.GetValue(seed),
                    Limit = result.GetValue(limit),
                    AttackLimit = result.GetValue(attackLimit),
                    Threads = result.GetValue(threads),
                    BatchSize = result.GetValue(batch),
                    ParityTolerance = result.GetValue(parity),
                };
                options.Validate();
                string manifest = InputFiles.RequireData(result.GetValue(data)!);
                string modelsDir = result.GetValue(models)!;
                if (!Directory.Exists(modelsDir))
                {
                    throw new RobustnessException(modelsDir, "models folder not found");
                }

                var rows = ManifestReader.Read(manifest);
                if (result.GetValue(split) is string name)
                {
                    rows = ManifestReader.Filter(rows, name, result.GetValue(splitFile), manifest);
                }

                var request = new RobustnessRequest
                {
                    ModelsDirectory = modelsDir,
                    Manifest = manifest,
                    Rows = rows,
                    Split = result.GetValue(split),
                    SplitFile = result.GetValue(splitFile),
                    Bundles = List(result.GetValue(bundles)),
                    Ensembles = List(result.GetValue(ensembles)),
                    Checkpoints = ParseCheckpoints(result.GetValue(checkpoint) ?? []),
                    Only = List(result.GetValue(only)),
                    Baseline = result.GetValue(baseline),
                    OutputDirectory = result.GetValue(output)!,
                    Options = options,
                };
                var started = DateTime.UtcNow;
                var reports = RobustnessSuite.Run(request, line => stderr.WriteLine($"[{DateTime.UtcNow - started:hh\\:mm\\:ss}] {line}"));
                foreach (var report in reports)
                {
                    stdout.WriteLine(Summary(report, request.OutputDirectory));
                }

                return ExitCodes.Success;
            }
            catch (RobustnessException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.ModelError;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
        }));
        return command;
    }

    internal static IReadOnlyDictionary<string, string> ParseCheckpoints(IEnumerable<string> values)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=');
            if (equals <= 0 || equals == value.Length - 1)
            {
                throw new ArgumentException($"--checkpoint '{value}' must be NAME=PATH (e.g. alexnet=runs/alexnet/best.pt).");
            }

            map[value[..equals].Trim()] = value[(equals + 1)..].Trim();
        }

        return map;
    }

    private static IReadOnlyList<string> List(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Summary(RobustnessReport report, string outDir)
    {
        var pgd = report.Attacks.Count == 0 ? "not run" : string.Join(", ", report.Attacks.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.GreyLevels:0.##}/255: {a.PgdAccuracy:0.000}")));
        return string.Create(CultureInfo.InvariantCulture, $"{report.Target}: clean AUC {report.Clean.Auc:0.000}, accuracy {report.Clean.Accuracy:0.000}; PGD accuracy {pgd}; wrote {Path.Combine(outDir, report.Target, RobustnessSuite.ReportFileName)}");
    }
}
