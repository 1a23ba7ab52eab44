using TbScreen.Inference.Lungs;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.OutOfDistribution;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Training.Export;

/// <summary>What an export produced, for the CLI to report.</summary>
public sealed record BundleExportResult(string Directory, ModelMetadata Metadata, long OnnxBytes, double ParityMaxAbsDiff, int ValidationCount);

/// <summary>
/// Turns a training checkpoint into a deployable bundle: model.onnx, metadata.json (input contract,
/// thresholds chosen on the validation split, validation metrics with CIs, ONNX hash) and a model card.
/// The bundle is proven to belong to the checkpoint: ONNX Runtime must reproduce TorchSharp's
/// probabilities on the validation images.
/// </summary>
public static class BundleExporter
{
    public static BundleExportResult Export(string checkpointPath, string outputDirectory, BundleExportOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(options);
        if (options.OperatingThreshold is not (ModelThresholds.Sensitivity90Name or ModelThresholds.YoudenName))
        {
            throw new ArgumentException($"Operating threshold must be '{ModelThresholds.Sensitivity90Name}' or '{ModelThresholds.YoudenName}'.", nameof(options));
        }

        string dataPath = options.DataPath ?? DatasetPointer.Read(checkpointPath);
        var (model, sidecar) = Checkpoints.Load(checkpointPath);
        using var _ = model;
        var contract = sidecar.Options.Contract;
        string splitFile = options.SplitFile ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, DatasetSplit.DefaultFileName);
        var (split, leftOut) = DatasetPointer.RunSplit(dataPath, splitFile, checkpointPath);
        var validation = split.Records.Where(r => split.Assignment[r] == SplitName.Val).ToList();
        var train = split.Records.Where(r => split.Assignment[r] == SplitName.Train).ToList();
        bool outOfFold = options.OutOfFoldPredictions is { Count: > 0 };
        if (validation.Count == 0 && !outOfFold)
        {
            throw new DatasetException("the split has no validation records (a model trained on train + validation takes its thresholds from --oof)", splitFile);
        }

        // The images TorchSharp scores: the validation split, or, for a model whose thresholds come from out-of-fold
        // predictions, a few development images that only check ONNX Runtime against TorchSharp. Out-of-fold files are
        // read first, so a bad one fails before the slow preprocessing.
        string name = options.Name ?? sidecar.Arch;
        var outOfFoldEvidence = outOfFold ? OutOfFoldEvidence(options.OutOfFoldPredictions!, options.OutOfFoldColumn ?? name, split) : null;
        var scored = outOfFold ? train.Concat(validation).Take(ParityImages).ToList() : validation;

        string? lungBundle = contract.CropToLungs ? options.LungBundle ?? sidecar.Options.LungBundle : null;
        if (lungBundle is not null && !Directory.Exists(lungBundle))
        {
            throw new DatasetException("the checkpoint crops to the lungs, but its lung segmentation bundle is missing (pass --lungs)", lungBundle);
        }

        PreprocessedImages images;
        using (var lungs = lungBundle is null ? null : LungSegmenter.FromBundle(lungBundle))
        {
            images = PreprocessedImages.Load(scored, contract, options.Threads, lungs: lungs);
        }

        var indices = Enumerable.Range(0, scored.Count).ToArray();
        double[] torchScores = ModelScoring.TbProbabilities(model, images, indices);

        Directory.CreateDirectory(outputDirectory);
        // An ood.json from an earlier export was fitted on the old model.onnx: drop it (tbscreen fit-ood writes a new one).
        File.Delete(Path.Combine(outputDirectory, OodFile.FileName));
        string onnxPath = Path.Combine(outputDirectory, ModelBundle.OnnxFileName);
        var evidence = outOfFoldEvidence
            ?? new ThresholdEvidence(new ScoredCases(torchScores, validation.Select(r => r.Label == 1).ToArray()), validation, ValidationPrefix, "the validation split");
        long bytes = TorchOnnxExport.ExportToFile(model, sidecar.Arch, onnxPath, new OnnxExportOptions
        {
            InputHeight = contract.Size,
            InputWidth = contract.Size,
            Float16Weights = options.Float16,
            SparseWeights = options.SparseWeights,
            IncludeFeatures = true, // the pooled vector the out-of-distribution detector models (fit-ood)
            IncludeFeatureMap = false,
            IncludeCam = OnnxModelExporter.CamArchitectures.Contains(sidecar.Arch),
            ModelVersion = options.Version,
            DocString = $"TbScreen {name} {options.Version}: research use only, not a medical device.",
        });

        var metadata = BuildMetadata(name, options with { DataPath = dataPath }, sidecar, contract, evidence, train, validation, splitFile, leftOut);
        metadata = ModelBundle.WriteMetadata(outputDirectory, metadata);
        double parity = CheckParity(outputDirectory, images, torchScores, options.EffectiveParityTolerance);
        File.WriteAllText(Path.Combine(outputDirectory, ModelBundle.ModelCardFileName), ModelCard.Render(metadata, sidecar, parity));
        return new BundleExportResult(outputDirectory, metadata, bytes, parity, evidence.Records.Count);
    }

    /// <summary>Metric splits are named "validation[/source]", or "out-of-fold[/source]" when the thresholds came from --oof.</summary>
    public const string ValidationPrefix = "validation";

    public const string OutOfFoldPrefix = "out-of-fold";

    private const int ParityImages = 16;

    /// <summary>The scored cases that choose the thresholds and give the reported metrics, and what they are.</summary>
    private sealed record ThresholdEvidence(ScoredCases Cases, List<CxrRecord> Records, string Prefix, string Description);

    /// <summary>
    /// Out-of-fold scores of this net: every case must be a development image of the split (a test image would leak
    /// the test split into the thresholds), named as the split names it.
    /// </summary>
    private static ThresholdEvidence OutOfFoldEvidence(IReadOnlyList<string> files, string column, DatasetSplit split)
    {
        var byName = split.Records.ToDictionary(r => SplitFile.Relative(r, split.DataRoot), StringComparer.Ordinal);
        var rows = Audit.OutOfFoldPredictions.Read(files, column);
        var records = new List<CxrRecord>(rows.Count);
        foreach (var row in rows)
        {
            if (!byName.TryGetValue(row.File, out var record))
            {
                throw new DatasetException($"'{row.File}' is not in the split the model was trained on", files[row.Fold]);
            }

            if (split.Assignment[record] == SplitName.Test)
            {
                throw new DatasetException($"'{row.File}' is in the test split: out-of-fold predictions come from train and validation only", files[row.Fold]);
            }

            if (record.Label == 1 != row.IsTb)
            {
                throw new DatasetException($"'{row.File}' is labelled {(row.IsTb ? 1 : 0)} here but {record.Label} in the dataset", files[row.Fold]);
            }

            records.Add(record);
        }

        return new ThresholdEvidence(new ScoredCases(rows.Select(r => r.Score).ToArray(), rows.Select(r => r.IsTb).ToArray()), records, OutOfFoldPrefix,
            $"out-of-fold predictions of {files.Count} models retrained per fold ({rows.Count} images)");
    }

    private static ModelMetadata BuildMetadata(string name, BundleExportOptions options, CheckpointSidecar sidecar, TbScreen.Imaging.InputContract contract,
        ThresholdEvidence evidence, List<CxrRecord> train, List<CxrRecord> validation, string splitFile, IReadOnlyList<string> leftOut)
    {
        var (validationCases, scoredRecords, prefix) = (evidence.Cases, evidence.Records, evidence.Prefix);
        // Thresholds come from the sources that hold both classes when they are large enough: on the others a threshold
        // only separates two hospitals. Pooled validation otherwise (a single-source or older dataset).
        var withinSource = WithinSourceCases(validationCases, scoredRecords);
        var thresholdCases = withinSource is { } w && w.Labels.Count(l => l) >= MinPerClassForThresholds && w.Labels.Count(l => !l) >= MinPerClassForThresholds
            ? w
            : validationCases;
        var youden = ThresholdSelection.Youden(thresholdCases) ?? throw new DatasetException($"{evidence.Description} need both classes to choose thresholds", splitFile);
        var sensitive = ThresholdSelection.ForSensitivity(thresholdCases) ?? youden;
        var thresholds = new ModelThresholds { Youden = youden.Threshold, Sensitivity90 = sensitive.Threshold, Operating = options.OperatingThreshold };
        var metrics = new List<ReportedMetric>();
        foreach (var source in scoredRecords.Select(r => r.Source ?? "unknown").Distinct().Order(StringComparer.Ordinal))
        {
            var idx = Enumerable.Range(0, scoredRecords.Count).Where(i => (scoredRecords[i].Source ?? "unknown") == source).ToArray();
            var cases = new ScoredCases(idx.Select(i => validationCases.Scores[i]).ToArray(), idx.Select(i => validationCases.Labels[i]).ToArray());
            if (cases.Labels.Contains(true) && cases.Labels.Contains(false))
            {
                metrics.AddRange(Metrics(cases, thresholds.OperatingValue, $"{prefix}/{source}"));
            }
        }

        metrics.AddRange(Metrics(validationCases, thresholds.OperatingValue, prefix));
        bool confounded = scoredRecords.GroupBy(r => r.Source).Any(g => g.All(r => r.Label == 1) || g.All(r => r.Label == 0)) && scoredRecords.Select(r => r.Source).Distinct().Count() > 1;
        return new ModelMetadata
        {
            Lineage = options.Lineage,
            SchemaVersion = ModelMetadata.CurrentSchemaVersion,
            Name = name,
            Version = options.Version,
            Architecture = sidecar.Arch,
            Input = contract,
            Onnx = new OnnxTensorNames
            {
                Cam = OnnxModelExporter.CamArchitectures.Contains(sidecar.Arch) ? OnnxModelExporter.CamOutput : null,
                Features = OnnxModelExporter.ProvidesFeatures(sidecar.Arch) ? OnnxModelExporter.FeaturesOutput : null,
            },
            Labels = ["non-tb", "tb"],
            PositiveIndex = 1,
            Thresholds = thresholds,
            Training = new TrainingDataSummary
            {
                Dataset = string.Join(",", ManifestSet.Parts(options.DataPath!).Select(p => Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(p))) + "/" + Path.GetFileName(p))),
                TrainCount = train.Count,
                ValidationCount = validation.Count,
                CasesBySource = train.Concat(validation).GroupBy(r => r.Source ?? "unknown").ToDictionary(g => g.Key, g => g.Count()),
                Notes = $"{Origin(sidecar)}, epoch {sidecar.Epoch}, seed {sidecar.Seed}; " +
                        (sidecar.Options.SkipValidation ? "trained on train + validation for a fixed number of epochs, without a validation split; " : "") +
                        (leftOut.Count > 0 ? $"left out of training and validation: {string.Join(", ", leftOut)} (leave-one-source-out); " : "") +
                        $"thresholds chosen on {(ReferenceEquals(thresholdCases, validationCases) ? $"{evidence.Description}, pooled" : $"{evidence.Description}, the images of sources that hold both classes")}." +
                        (confounded ? $" Some sources hold one class only: the pooled {prefix} AUC bounds source separation, not TB detection; read the per-source ({prefix}/<source>) metrics first." : ""),
            },
            Metrics = metrics,
        };
    }

    /// <summary>Both classes from one source, at least this many each, before thresholds are chosen on those sources alone.</summary>
    public const int MinPerClassForThresholds = 20;

    private static ScoredCases? WithinSourceCases(ScoredCases all, List<CxrRecord> validation)
    {
        var mixed = validation.GroupBy(r => r.Source ?? "unknown").Where(g => g.Any(r => r.Label == 1) && g.Any(r => r.Label == 0)).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var idx = Enumerable.Range(0, validation.Count).Where(i => mixed.Contains(validation[i].Source ?? "unknown")).ToArray();
        return idx.Length == 0 ? null : new ScoredCases(idx.Select(i => all.Scores[i]).ToArray(), idx.Select(i => all.Labels[i]).ToArray());
    }

    private static ReportedMetric[] Metrics(ScoredCases cases, double threshold, string split)
    {
        var auc = DeLong.Estimate(cases);
        var at = ConfusionMatrix.At(cases, threshold);
        return
        [
            new ReportedMetric { Name = "auc", Split = split, Value = auc.Auc, Ci = auc.CiLow is null ? null : [auc.CiLow.Value, auc.CiHigh!.Value], CiMethod = "delong" },
            new ReportedMetric { Name = "sensitivity", Split = split, Value = at.Sensitivity },
            new ReportedMetric { Name = "specificity", Split = split, Value = at.Specificity },
        ];
    }

    private static string Origin(CheckpointSidecar sidecar) => sidecar.Options.Model.Pretrained
        ? $"Fine-tuned from the ImageNet ResNet-18 of {Pretrained.ResNet18OnnxFile.PackageId} {Pretrained.ResNet18OnnxFile.PackageVersion} (docs/pretrained.md)"
        : "Trained from scratch (no ImageNet weights offline)";

    private static double CheckParity(string bundleDirectory, PreprocessedImages images, double[] torchScores, double tolerance)
    {
        using var classifier = new OnnxClassifier(ModelBundle.Load(bundleDirectory));
        int count = Math.Min(ParityImages, torchScores.Length);
        var tensors = Enumerable.Range(0, count).Select(i => images.ToModelInputArray(i)).ToList();
        var predictions = classifier.Predict(tensors);
        double worst = predictions.Select((p, i) => Math.Abs(p.TbProbability - torchScores[i])).Max();
        if (worst > tolerance)
        {
            throw new InvalidOperationException($"ONNX Runtime differs from TorchSharp by {worst:G3} (> {tolerance:G3}) on the checked images: the export is wrong.");
        }

        return worst;
    }
}
