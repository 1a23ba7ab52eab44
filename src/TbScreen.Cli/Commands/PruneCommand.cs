using System.CommandLine;
using System.Globalization;
using TbScreen.Onnx;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Export;
using TbScreen.Training.Pruning;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen prune --model CHECKPOINT --data MANIFEST --method finetune|weight-rewind|lr-rewind[,...] --rounds N
/// [--rewind-epoch k] [--retrain-epochs t] [--structured] --out DIR`: iterative pruning (docs/pruning.md). Each method
/// runs in DIR/METHOD (resumable); DIR/pruning.json and pruning.svg compare them, and the most compressed round
/// within the AUC tolerance is exported as a bundle to DIR/bundle.
/// </summary>
public static class PruneCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var defaults = new PruningOptions();
        var model = new Option<string>("--model") { Description = "The trained checkpoint to prune (the final weights, e.g. last.pt, with its .json sidecar and, for weight rewinding, epoch-K.pt beside it).", Required = true };
        var data = new Option<string>("--data") { Description = "The manifest the checkpoint was trained on.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: one subfolder per method, pruning.json, pruning.svg, bundle/.", Required = true };
        var method = new Option<string>("--method") { Description = "finetune, weight-rewind, lr-rewind, a comma list, or all.", DefaultValueFactory = _ => "all" };
        var rate = new Option<double>("--rate") { Description = "Fraction of the remaining weights (or of each layer's channels) removed per round.", DefaultValueFactory = _ => defaults.Rate };
        var rounds = new Option<int>("--rounds") { Description = "Pruning rounds.", DefaultValueFactory = _ => defaults.Rounds };
        var rewindEpoch = new Option<int?>("--rewind-epoch") { Description = "k: the epoch rewinding returns to (default T - t)." };
        var retrainEpochs = new Option<int?>("--retrain-epochs") { Description = "t: retraining epochs per round (default T - k)." };
        var structured = new Option<bool>("--structured") { Description = "Remove whole channels/neurons by L1 norm and rebuild smaller layers." };
        var splitFile = new Option<string?>("--split-file") { Description = "Split file (split,file,label,source); default split.csv beside the checkpoint." };
        var seed = new Option<int>("--seed") { Description = "Seed for retraining order, augmentation and dropout.", DefaultValueFactory = _ => defaults.Seed };
        var threads = new Option<int>("--threads") { Description = "Torch and preprocessing threads.", DefaultValueFactory = _ => defaults.Threads };
        var tolerance = new Option<double>("--accuracy-tolerance") { Description = "Selection rule: highest compression with validation AUC >= dense - this.", DefaultValueFactory = _ => defaults.AccuracyTolerance };
        var latencyRuns = new Option<int>("--latency-runs") { Description = "Timed ONNX Runtime runs per round (batch 1, median reported).", DefaultValueFactory = _ => defaults.LatencyRuns };
        var noExport = new Option<bool>("--no-export") { Description = "Only prune and report; export no bundle." };
        var bundleName = new Option<string?>("--bundle-name") { Description = "Name of the exported bundle (default ARCH-pruned)." };
        var reportOnly = new Option<bool>("--report-only") { Description = "Train nothing: rebuild pruning.json, pruning.svg and the bundle from the rounds the method folders already hold." };
        var round = new Option<int?>("--round") { Description = "Export this round of the one --method instead of the selection rule: the same round for every fold model and the final model of a cross-validation." };
        var version = new Option<string>("--version") { Description = "Version of the exported bundle.", DefaultValueFactory = _ => "1.0.0" };
        var oof = new Option<string?>("--oof") { Description = "For a checkpoint trained on train + validation (train --no-validation): the exported bundle's thresholds and metrics come from out-of-fold predictions of the pruned fold models, one predictions.csv per fold, comma-separated. The split then needs no validation images; needs --round." };
        var oofColumn = new Option<string?>("--oof-column") { Description = "The column of the --oof files that holds this net's score; default the bundle name." };
        var pruneOutput = new Option<bool>("--prune-output-layer") { Description = "Unstructured: prune the classifier's weights too (by default they are kept, as in Renda et al.'s code: one global threshold can empty a small output layer)." };
        var command = new Command("prune", "Iterative magnitude pruning with fine-tuning, weight rewinding or learning-rate rewinding (Renda et al. 2020).")
        {
            model, data, output, method, rate, rounds, rewindEpoch, retrainEpochs, structured, splitFile, seed, threads, tolerance, latencyRuns, noExport, bundleName, reportOnly, pruneOutput, round, version, oof, oofColumn,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            try
            {
                var methods = ParseMethods(result.GetValue(method)!);
                var options = defaults with
                {
                    Rate = result.GetValue(rate),
                    Rounds = result.GetValue(rounds),
                    RewindEpoch = result.GetValue(rewindEpoch),
                    RetrainEpochs = result.GetValue(retrainEpochs),
                    Structured = result.GetValue(structured),
                    PruneOutputLayer = result.GetValue(pruneOutput),
                    Seed = result.GetValue(seed),
                    Threads = result.GetValue(threads),
                    AccuracyTolerance = result.GetValue(tolerance),
                    LatencyRuns = result.GetValue(latencyRuns),
                };
                options.Validate();
                var export = new ExportChoice(result.GetValue(round), result.GetValue(version)!,
                    result.GetValue(oof)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), result.GetValue(oofColumn));
                export.Validate(options, methods.Count);
                string checkpoint = InputFiles.Require(result.GetValue(model)!);
                string manifest = InputFiles.RequireData(result.GetValue(data)!);
                string outDir = result.GetValue(output)!;
                string split = result.GetValue(splitFile) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, DatasetSplit.DefaultFileName);
                if (!File.Exists(split))
                {
                    throw new DatasetException("split file not found; pass --split-file (the split the checkpoint was trained with)", split);
                }

                foreach (var m in methods)
                {
                    PruningRun.Preflight(checkpoint, options with { Method = m }); // fail before the slow data load
                }

                var sidecar = Checkpoints.ReadSidecar(checkpoint);
                stdout.WriteLine($"{sidecar.Arch}: pruning {checkpoint} (epoch {sidecar.Epoch}, T = {sidecar.Options.Epochs}), {(options.Structured ? "structured" : "unstructured")}, " +
                    $"methods {string.Join(", ", methods.Select(m => m.Name()))}, rate {options.Rate}, {options.Rounds} rounds");
                Directory.CreateDirectory(outDir);
                var runs = new List<PruningRunRecord>();
                if (result.GetValue(reportOnly))
                {
                    foreach (var m in methods)
                    {
                        string record = Path.Combine(outDir, m.Name(), PruningRun.RecordFile);
                        runs.Add(File.Exists(record) ? TrainingJson.Read<PruningRunRecord>(record) : throw new PruningException(record, "no finished rounds to report (run without --report-only first)"));
                    }
                }
                else
                {
                    RunMethods(stdout, methods, options, checkpoint, manifest, split, outDir, sidecar, runs, validationOptional: export.OutOfFold is not null);
                }

                return Report(stdout, runs, options, outDir, manifest, split, sidecar.Arch, result.GetValue(noExport), result.GetValue(bundleName), export);
            }
            catch (PruningException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.InvalidInput;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"tbscreen: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is OnnxExportException or InvalidOperationException or IOException)
            {
                throw new OutputException($"prune failed: {e.Message}", e);
            }
        }));
        return command;
    }

    private static void RunMethods(TextWriter stdout, IReadOnlyList<PruningMethod> methods, PruningOptions options, string checkpoint, string manifest, string split,
        string outDir, CheckpointSidecar sidecar, List<PruningRunRecord> runs, bool validationOptional)
    {
        var (datasetSplit, leftOut) = DatasetPointer.RunSplit(manifest, split, checkpoint);
        var prepared = PruningData.Load(datasetSplit, sidecar.Options.Contract, options.Threads, (done, total) =>
        {
            if (done % 200 == 0 || done == total)
            {
                stdout.WriteLine($"preprocessing {done}/{total}");
            }
        }, validationOptional);
        foreach (var m in methods)
        {
            string runDir = Path.Combine(outDir, m.Name());
            Directory.CreateDirectory(runDir);
            DatasetPointer.Write(runDir, manifest, leftOut);
            File.Copy(split, Path.Combine(runDir, DatasetSplit.DefaultFileName), overwrite: true);
            runs.Add(new PruningRun(checkpoint, options with { Method = m }, prepared, runDir, stdout.WriteLine).Run());
            PruningReport.Write(outDir, runs, options.AccuracyTolerance, null);
        }
    }

    private static int Report(TextWriter stdout, List<PruningRunRecord> runs, PruningOptions options, string outDir, string manifest, string split, string arch,
        bool noExport, string? bundleName, ExportChoice export)
    {
        var choice = export.Round is int fixedRound
            ? PruningSelection.AtRound(runs, fixedRound, options.AccuracyTolerance)
            : PruningSelection.Select(runs, options.AccuracyTolerance);
        PruningReport.Write(outDir, runs, options.AccuracyTolerance, choice);
        foreach (var table in PruningReport.Tables(runs, options.AccuracyTolerance).Take(1))
        {
            stdout.WriteLine(table.Title);
            foreach (var row in table.Rows)
            {
                stdout.WriteLine("  " + string.Join(" | ", row));
            }
        }

        if (choice is null)
        {
            stdout.WriteLine($"no pruned round kept validation AUC within {options.AccuracyTolerance} of the dense model; no bundle exported");
            return ExitCodes.Success;
        }

        stdout.WriteLine("selected: " + PruningReport.Label(choice));
        if (noExport)
        {
            return ExitCodes.Success;
        }

        string bundle = Path.Combine(outDir, "bundle");
        var exported = PrunedBundle.Export(choice, Path.Combine(outDir, choice.Run.Method), bundle, new BundleExportOptions
        {
            Name = bundleName ?? arch + "-pruned",
            Version = export.Version,
            OutOfFoldPredictions = export.OutOfFold,
            OutOfFoldColumn = export.OutOfFoldColumn,
            DataPath = manifest,
            SplitFile = split,
            Threads = options.Threads,
        }, outDir);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {exported.Directory}: {exported.OnnxBytes / 1e6:F1} MB model.onnx, ONNX parity {exported.ParityMaxAbsDiff:G2}; pruning.json and pruning.svg beside it"));
        return ExitCodes.Success;
    }

    /// <summary>Which round is exported, under what version, and where its thresholds come from.</summary>
    private sealed record ExportChoice(int? Round, string Version, IReadOnlyList<string>? OutOfFold, string? OutOfFoldColumn)
    {
        public void Validate(PruningOptions options, int methods)
        {
            if (Round is int r && (r < 1 || r > options.Rounds))
            {
                throw new ArgumentException($"--round must be between 1 and --rounds ({options.Rounds})");
            }

            if (Round is not null && methods != 1)
            {
                throw new ArgumentException("--round picks a round of one method: pass one --method");
            }

            if (OutOfFold is not null && Round is null)
            {
                // Without validation images nothing can choose a round; the fold models must be cut at the same one.
                throw new ArgumentException("--oof needs --round: a model trained on train + validation has no validation AUC to choose a round by");
            }

            if (OutOfFoldColumn is not null && OutOfFold is null)
            {
                throw new ArgumentException("--oof-column needs --oof");
            }
        }
    }

    private static IReadOnlyList<PruningMethod> ParseMethods(string text) =>
        text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)
            ? PruningMethods.All
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(PruningMethods.Parse).Distinct().ToList();
}
