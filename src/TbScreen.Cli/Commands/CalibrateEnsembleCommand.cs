using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TbScreen.Audit;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.Runtime;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen calibrate-ensemble --models DIR --members a,b --data MANIFEST --split-file FILE`: chooses the ensemble's
/// threshold on the validation split (sensitivity >= 0.90 of the mean probability, or --target-sensitivity), checks
/// that rule by K-fold cross-validation on the same cases, and writes both into models/ensemble.json. With --oof the
/// threshold comes instead from out-of-fold predictions of retrained fold models (<see cref="OutOfFoldThreshold"/>).
/// </summary>
public static class CalibrateEnsembleCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string>("--models") { Description = "Folder holding the member bundles; ensemble.json is written here.", DefaultValueFactory = _ => "models" };
        var members = new Option<string>("--members") { Description = "Member bundle names, comma-separated.", DefaultValueFactory = _ => "alexnet,googlenet" };
        var data = new Option<string?>("--data") { Description = "Manifest the members were trained on (not with --oof)." };
        var splitFile = new Option<string?>("--split-file") { Description = "Split file (file,split columns) used in training (not with --oof)." };
        var oof = new Option<string?>("--oof") { Description = "Out-of-fold predictions instead of the validation split: one predictions.csv per fold (evaluate --split val of the models trained on split-folds' fold-K.csv), comma-separated; the members in --models are the final models trained on train + validation." };
        var thresholdOf = new Option<string?>("--threshold-of") { Description = "Carry over the threshold of this float32 ensemble definition (in --models) unchanged, for its INT8 twin whose members quantise its members one for one: for final models trained on train + validation, which leave no unseen images to choose a threshold on." };
        var hold = new Option<bool>("--hold-across-folds") { Description = "With --oof: raise the rule's target in steps of 0.01 until, judged fold by fold with the threshold chosen on the other folds, it still reaches --target-sensitivity (a target that holds on cases it was not chosen on)." };
        var weights = new Option<string?>("--weights") { Description = "One positive weight per member, comma-separated (e.g. 1,1,2): the ensemble scores the weighted mean of the members' TB probabilities (rule \"weighted\"); with --oof the fold files' member columns are combined with these weights. Default: the plain mean." };
        var band = new Option<double>("--band") { Description = "Uncertainty band half-width around the threshold.", DefaultValueFactory = _ => 0.05 };
        var heatmap = new Option<string>("--heatmap-member") { Description = "Member whose CAM is the heatmap.", DefaultValueFactory = _ => "googlenet" };
        var target = new Option<double>("--target-sensitivity") { Description = "Validation sensitivity the threshold must reach (the highest threshold that does is chosen).", DefaultValueFactory = _ => ThresholdSelection.WhoMinimumSensitivity };
        var folds = new Option<int>("--folds") { Description = "K-fold check of the threshold rule on the validation cases: each fold judged by the threshold chosen without it (0 = off).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the fold assignment.", DefaultValueFactory = _ => 1 };
        var testTime = new Option<bool>("--test-time-augmentation") { Description = "Score each image and 8 geometric views of it (zoom 1.06/0.94, rotation ±5°, shift ±4%) and average each member over them; written into the definition, and the threshold is chosen on scores made the same way (with --oof, each fold's evaluate must have used a definition with the same views)." };
        var ensembleFile = new Option<string>("--ensemble") { Description = "File name of the definition written in the models folder (ensemble-pruned.json for the pruned option).", DefaultValueFactory = _ => EnsembleDefinition.FileName };
        var command = new Command("calibrate-ensemble", "Choose the ensemble threshold on the validation split and write ensemble.json.")
        {
            models, members, weights, data, splitFile, oof, hold, thresholdOf, band, heatmap, ensembleFile, target, folds, seed, testTime,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string folder = result.GetValue(models)!;
            var names = result.GetValue(members)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            double targetSensitivity = result.GetValue(target);
            var views = result.GetValue(testTime) ? TestTimeAugmentation.Standard : null;
            if (ParseWeights(result.GetValue(weights), names.Length) is not { } memberWeights)
            {
                stderr.WriteLine($"tbscreen: --weights needs one positive number per member ({names.Length}: {string.Join(", ", names)}), comma-separated.");
                return ExitCodes.Usage;
            }

            if (targetSensitivity is <= 0 or > 1)
            {
                stderr.WriteLine("tbscreen: --target-sensitivity must be in (0, 1].");
                return ExitCodes.Usage;
            }

            if (result.GetValue(hold) && result.GetValue(oof) is null)
            {
                stderr.WriteLine("tbscreen: --hold-across-folds needs --oof (the folds of retrained models).");
                return ExitCodes.Usage;
            }

            if (result.GetValue(thresholdOf) is string sourceEnsemble)
            {
                if (result.GetValue(data) is not null || result.GetValue(splitFile) is not null || result.GetValue(oof) is not null || result.GetValue(weights) is not null || views is not null)
                {
                    stderr.WriteLine("tbscreen: --threshold-of carries a threshold (and the weights and test-time views) over; leave out --data, --split-file, --oof, --weights and --test-time-augmentation.");
                    return ExitCodes.Usage;
                }

                return CarryOver(stdout, folder, names, sourceEnsemble, result.GetValue(band), result.GetValue(heatmap)!, result.GetValue(ensembleFile)!);
            }

            if (result.GetValue(oof) is string oofFiles)
            {
                if (result.GetValue(data) is not null || result.GetValue(splitFile) is not null)
                {
                    stderr.WriteLine("tbscreen: --oof chooses the threshold from out-of-fold predictions; leave out --data and --split-file.");
                    return ExitCodes.Usage;
                }

                return FromOutOfFold(stdout, folder, names, memberWeights, views, oofFiles, targetSensitivity, result.GetValue(hold), result.GetValue(band), result.GetValue(heatmap)!, result.GetValue(ensembleFile)!);
            }

            if (result.GetValue(data) is not string dataPath || result.GetValue(splitFile) is not string splitPath)
            {
                stderr.WriteLine("tbscreen: calibrate-ensemble needs --data and --split-file (the validation split), or --oof (out-of-fold predictions).");
                return ExitCodes.Usage;
            }

            string manifest = InputFiles.RequireData(dataPath);
            var rows = ManifestReader.Filter(ManifestReader.Read(manifest), "val", splitPath, manifest);
            var classifiers = names.Select(n => new OnnxClassifier(ModelBundle.Load(Path.Combine(folder, n)))).ToList();
            // Members that crop to the lungs are scored on the crop the ensemble's lungs bundle finds, as in screening.
            using var lungs = classifiers.Any(c => c.Contract.CropToLungs) ? LungSegmenter.FromModels(folder) : null;
            try
            {
                var mean = new double[rows.Count];
                double totalWeight = memberWeights.Sum();
                for (int i = 0; i < rows.Count; i++)
                {
                    var radiograph = RadiographFiles.Load(rows[i].Path);
                    var segmentation = lungs?.Segment(radiograph);
                    mean[i] = classifiers.Select((c, k) => memberWeights[k] * TestTimeAugmentation.Predict(c, [TbEnsemble.Tensor(radiograph, c.Contract, segmentation)], views)[0].TbProbability).Sum() / totalWeight;
                }

                // As for member thresholds (BundleExporter): on sources that hold both classes when each has 20 or more,
                // since elsewhere a threshold only separates hospitals.
                var mixed = rows.GroupBy(r => r.Source).Where(g => g.Count(r => r.IsTb) >= 20 && g.Count(r => !r.IsTb) >= 20).Select(g => g.Key).ToHashSet();
                int[] chosen = Enumerable.Range(0, rows.Count).Where(i => mixed.Count == 0 || mixed.Contains(rows[i].Source)).ToArray();
                var cases = new ScoredCases(chosen.Select(i => mean[i]).ToArray(), chosen.Select(i => rows[i].IsTb).ToArray());
                var point = ThresholdSelection.ForSensitivity(cases, targetSensitivity) ?? throw new ManifestException(manifest, "validation split needs both classes");
                var check = result.GetValue(folds) is int k and > 0 ? ThresholdCrossValidation.Run(cases, targetSensitivity, k, result.GetValue(seed)) : null;
                foreach (var f in check?.Folds ?? [])
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"fold {f.Fold + 1}/{check!.Folds.Count}: threshold {f.Threshold:F4} chosen without it; on it sensitivity {f.Sensitivity:F3} ({f.TruePositives}/{f.Positives}), specificity {f.Specificity:F3} ({f.TrueNegatives}/{f.Negatives})"));
                }

                if (check is not null)
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"out of fold: sensitivity {check.PooledSensitivity:F3}, specificity {check.PooledSpecificity:F3}; fold thresholds {check.Folds.Min(f => f.Threshold):F4}-{check.Folds.Max(f => f.Threshold):F4}"));
                    if (check.PooledSensitivity < targetSensitivity)
                    {
                        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"warning: out of fold the rule reached sensitivity {check.PooledSensitivity:F3}, under its target {targetSensitivity:F2}; a higher --target-sensitivity leaves a margin"));
                    }
                }

                var provenance = Provenance(targetSensitivity, "val", mixed.Order(StringComparer.Ordinal).ToList(), cases, point, check) with
                {
                    Seed = check is null ? null : result.GetValue(seed),
                };
                string path = Write(folder, names, memberWeights, views, point.Threshold, result.GetValue(band), result.GetValue(heatmap)!, result.GetValue(ensembleFile)!, provenance);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {path}: threshold {point.Threshold:F4} (validation sensitivity {point.Sensitivity:F3}, specificity {point.Specificity:F3}, n={cases.Count}{(mixed.Count > 0 ? " from " + string.Join(", ", mixed) : "")}), band ±{result.GetValue(band)}"));
                return ExitCodes.Success;
            }
            finally
            {
                classifiers.ForEach(c => c.Dispose());
            }
        }));
        return command;
    }
    /// <summary>--oof: the threshold from pooled out-of-fold predictions, each fold judged by the rule on the others.</summary>
    private static int FromOutOfFold(TextWriter stdout, string folder, string[] names, double[] weights, TestTimeAugmentation? views, string oofFiles, double targetSensitivity, bool hold, double band, string heatmap, string ensembleFile)
    {
        foreach (string name in names)
        {
            ModelBundle.Load(Path.Combine(folder, name)); // the members must exist: ensemble.json names them
        }

        var files = oofFiles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        RequireSameViews(stdout, files, views?.ViewsPerImage ?? 1);
        OutOfFoldThresholdResult chosen;
        try
        {
            // Unequal weights rescore the folds from the member columns; equal ones keep the files' own ensemble column.
            IReadOnlyList<WeightedColumn> score = IsPlainMean(weights)
                ? [new WeightedColumn("ensemble", 1)]
                : names.Zip(weights, (n, w) => new WeightedColumn(n, w)).ToList();
            chosen = hold ? OutOfFoldThreshold.ChooseHolding(files, targetSensitivity, score) : OutOfFoldThreshold.Choose(files, targetSensitivity, score);
        }
        catch (ArgumentException e)
        {
            throw new ManifestException(files[0], e.Message);
        }

        var check = chosen.Check;
        foreach (var (f, pooled) in check.Folds.Zip(chosen.AtPooledThreshold))
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fold {f.Fold + 1}/{files.Length} ({f.Positives} TB, {f.Negatives} normal): at the pooled threshold sensitivity {pooled.Sensitivity:F3}, specificity {pooled.Specificity:F3}; the rule on the other folds chose {f.Threshold:F4}: sensitivity {f.Sensitivity:F3} ({f.TruePositives}/{f.Positives}), specificity {f.Specificity:F3} ({f.TrueNegatives}/{f.Negatives})"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"across folds: sensitivity {check.PooledSensitivity:F3}, specificity {check.PooledSpecificity:F3}; fold thresholds {check.Folds.Min(f => f.Threshold):F4}-{check.Folds.Max(f => f.Threshold):F4}"));
        if (hold && check.PooledSensitivity >= targetSensitivity)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"the rule's target was raised to {chosen.TargetSensitivity:0.00##} so that across folds it reaches {check.PooledSensitivity:F3} (≥ {targetSensitivity:0.00##})"));
        }
        else if (check.PooledSensitivity < targetSensitivity)
        {
            stdout.WriteLine(hold
                ? string.Create(CultureInfo.InvariantCulture, $"warning: even at a target of {chosen.TargetSensitivity:0.00##} the rule reached {check.PooledSensitivity:F3} across folds, under {targetSensitivity:0.00##}")
                : string.Create(CultureInfo.InvariantCulture, $"warning: across folds the rule reached sensitivity {check.PooledSensitivity:F3}, under its target {targetSensitivity:F2}; --hold-across-folds or a higher --target-sensitivity leaves a margin"));
        }

        var provenance = Provenance(chosen.TargetSensitivity, ThresholdProvenance.OutOfFoldSplit, chosen.Sources, chosen.Cases, chosen.Point, check) with
        {
            HeldAcrossFolds = hold ? targetSensitivity : null,
        };
        string path = Write(folder, names, weights, views, chosen.Point.Threshold, band, heatmap, ensembleFile, provenance);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {path}: threshold {chosen.Point.Threshold:F4} (out-of-fold sensitivity {chosen.Point.Sensitivity:F3}, specificity {chosen.Point.Specificity:F3}, n={chosen.Cases.Count}{(chosen.Sources.Count > 0 ? " from " + string.Join(", ", chosen.Sources) : "")}), band ±{band}"));
        return ExitCodes.Success;
    }

    /// <summary>
    /// --threshold-of: the INT8 twin of a float32 ensemble keeps its threshold. Each member must be the INT8 bundle
    /// quantised from the float32 member in the same place (its recorded source name and model hash), so the threshold
    /// describes the same function up to quantisation error (measured by quantize-report on the test split).
    /// </summary>
    private static int CarryOver(TextWriter stdout, string folder, string[] names, string sourceFile, double band, string heatmap, string ensembleFile)
    {
        string sourcePath = Path.Combine(folder, sourceFile);
        var source = EnsembleDefinition.Load(folder, sourceFile);
        if (source.Members.Count != names.Length)
        {
            throw new ModelBundleException(sourcePath, $"has {source.Members.Count} members; --members names {names.Length}");
        }

        foreach (var (name, member) in names.Zip(source.Members))
        {
            var quantised = ModelBundle.Load(Path.Combine(folder, name));
            var float32 = ModelBundle.Load(Path.Combine(folder, member.Bundle));
            if (quantised.Metadata.Quantization is not { } q || q.SourceBundle != member.Bundle || !string.Equals(q.SourceSha256, float32.Metadata.OnnxSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelBundleException(quantised.Directory,
                    $"is not the INT8 bundle quantised from '{member.Bundle}' (model.onnx {float32.Metadata.OnnxSha256}), the member of {sourceFile} in its place; only such a twin may carry its threshold");
            }
        }

        var provenance = (source.ThresholdSelection ?? new ThresholdProvenance()) with
        {
            CarriedFrom = $"{sourceFile} (SHA-256 {ModelBundle.Sha256Of(sourcePath)})",
        };
        // The twin is the same function up to quantisation only with the same weights and views.
        string path = Write(folder, names, source.Members.Select(m => m.Weight).ToArray(), source.TestTimeAugmentation, source.Threshold, band, heatmap, ensembleFile, provenance);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {path}: threshold {source.Threshold:F4} carried over from {sourceFile} ({provenance.Split} sensitivity {provenance.Sensitivity:F3}, specificity {provenance.Specificity:F3}), band ±{band}"));
        return ExitCodes.Success;
    }

    /// <summary>The threshold's provenance: the sample it was chosen on and the fold check of the rule (none when off).</summary>
    private static ThresholdProvenance Provenance(double target, string split, IReadOnlyList<string> sources, ScoredCases cases, OperatingPoint point,
        ThresholdCrossValidationResult? check) => new()
    {
        TargetSensitivity = target,
        Split = split,
        Sources = sources,
        Positives = cases.Positives.Length,
        Negatives = cases.Negatives.Length,
        Sensitivity = point.Sensitivity,
        Specificity = point.Specificity,
        Folds = check?.Folds.Count ?? 0,
        OutOfFoldSensitivity = check?.PooledSensitivity,
        OutOfFoldSpecificity = check?.PooledSpecificity,
        FoldThresholds = check?.Folds.Select(f => f.Threshold).ToList(),
        FoldSensitivities = check?.Folds.Select(f => f.Sensitivity).ToList(),
        FoldSpecificities = check?.Folds.Select(f => f.Specificity).ToList(),
    };

    /// <summary>
    /// A threshold chosen on scores averaged over other views than screening will average means another operating point:
    /// each fold's metrics.json (written by evaluate beside its predictions.csv) must record the views of the definition
    /// being written. Files from before views were recorded scored the image alone.
    /// </summary>
    private static void RequireSameViews(TextWriter stdout, IReadOnlyList<string> files, int expected)
    {
        foreach (string file in files)
        {
            string metrics = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, EvaluationRun.MetricsFileName);
            if (!File.Exists(metrics))
            {
                stdout.WriteLine($"note: no {EvaluationRun.MetricsFileName} beside {file}: cannot check that it was scored with {expected} view(s) per image");
                continue;
            }

            int scored;
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(metrics));
                scored = document.RootElement.TryGetProperty("testTimeViews", out var v) ? v.GetInt32() : 1;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                throw new ManifestException(metrics, $"not a readable evaluate metrics.json: {e.Message}");
            }

            if (scored != expected)
            {
                throw new ManifestException(file, $"was scored with {scored} view(s) per image (its {EvaluationRun.MetricsFileName}), but the definition being written averages {expected}: "
                    + (expected > 1 ? "evaluate each fold with a definition that has the same test-time views" : "add --test-time-augmentation, or evaluate the folds without test-time views"));
            }
        }
    }

    /// <summary>The --weights value, all ones when absent; null when it is not one positive finite number per member.</summary>
    private static double[]? ParseWeights(string? text, int members)
    {
        if (text is null) return Enumerable.Repeat(1.0, members).ToArray();
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var weights = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out weights[i]) || !(weights[i] > 0) || !double.IsFinite(weights[i])) return null;
        }

        return weights.Length == members ? weights : null;
    }

    private static bool IsPlainMean(double[] weights) => weights.All(w => w == weights[0]);

    private static string Write(string folder, string[] names, double[] weights, TestTimeAugmentation? views, double threshold, double band, string heatmap, string ensembleFile, ThresholdProvenance provenance)
    {
        bool plainMean = IsPlainMean(weights);
        var definition = new EnsembleDefinition
        {
            // Equal weights are the plain mean, written as such (weight 1 each) so older readers see the same file.
            Members = names.Zip(weights, (n, w) => new EnsembleMember { Bundle = n, Weight = plainMean ? 1 : w }).ToList(),
            Rule = plainMean ? EnsembleDefinition.MeanRule : EnsembleDefinition.WeightedRule,
            Threshold = threshold,
            UncertaintyBand = band,
            HeatmapMember = heatmap,
            // Keep the lung check whenever the folder ships the lung bundle.
            Lungs = Directory.Exists(Path.Combine(folder, "lungs")) ? "lungs" : null,
            ThresholdSelection = provenance,
            TestTimeAugmentation = views,
        };
        if (definition.Problems() is { Count: > 0 } problems)
        {
            // e.g. a --heatmap-member that is not among --members: refuse rather than write a file that will not load.
            throw new UsageException(string.Join("; ", problems));
        }

        string path = Path.Combine(folder, ensembleFile);
        File.WriteAllText(path, JsonSerializer.Serialize(definition, BundleJson.Options) + "\n");
        return path;
    }
}
