using TbScreen.Audit;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Training.Experiments;

/// <summary>How to fine-tune the population model on one site.</summary>
public sealed record SiteFinetuneOptions(string Site, string Checkpoint, int Epochs = 5, double LearningRate = 1e-3, double Threshold = 0.5, int Seed = 1, int? Threads = null);

/// <summary>One model on the site's held-out images.</summary>
public sealed record SiteModelMetrics(string Model, int N, int Positives, int Negatives, double? Auc, double[]? AucCi, double? Sensitivity, double[]? SensitivityCi, double? Specificity, double[]? SpecificityCi);

/// <summary>site-finetune.json.</summary>
public sealed record SiteFinetuneReport(string Notice, string Site, int TrainImages, int TrainPositives, int Epochs, double LearningRate, double Threshold,
    SiteModelMetrics Population, SiteModelMetrics SiteAdapted, IReadOnlyList<string> Warnings);

/// <summary>
/// Per-site fine-tuning: the population checkpoint trained further (same preprocessing and augmentation, no warm-up,
/// a low cosine-decayed rate) on the site's training images only, without validation-based early stopping
/// (a site sample is too small to validate on), so the site's validation and test images together form its held-out
/// set. Both models are then compared there.
/// </summary>
public static class SiteFinetuneRunner
{
    public const int SmallSite = 30;

    public static SiteFinetuneReport Run(DatasetSplit split, SiteFinetuneOptions options, string outDir, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        bool AtSite(CxrRecord r) => string.Equals(r.Source, options.Site, StringComparison.OrdinalIgnoreCase);
        var train = split.Records.Where(r => AtSite(r) && split.Assignment.TryGetValue(r, out var s) && s == SplitName.Train).ToList();
        var held = split.Records.Where(r => AtSite(r) && split.Assignment.TryGetValue(r, out var s) && s != SplitName.Train).ToList();
        int trainPositives = train.Count(r => r.Label == CxrRecord.Tb);
        if (trainPositives == 0 || trainPositives == train.Count)
        {
            var sites = split.Records.GroupBy(r => r.Source ?? "unknown")
                .Where(g => g.Any(r => r.Label == CxrRecord.Tb) && g.Any(r => r.Label == CxrRecord.NotTb)).Select(g => g.Key).ToList();
            throw new DatasetException($"site '{options.Site}' has {trainPositives} TB and {train.Count - trainPositives} non-TB training images: fine-tuning on one class " +
                $"only teaches the model to call everything from this site {(trainPositives == 0 ? "not TB" : "TB")}. Sites with both classes: {(sites.Count == 0 ? "none" : string.Join(", ", sites))}");
        }

        if (held.Count == 0)
        {
            throw new DatasetException($"site '{options.Site}' has no validation or test images to compare the models on");
        }

        var population = Checkpoints.ReadSidecar(options.Checkpoint);
        var training = population.Options with
        {
            InitialCheckpoint = options.Checkpoint,
            Epochs = options.Epochs,
            LearningRate = options.LearningRate,
            WarmupEpochs = 0,
            SkipValidation = true,
            RewindEpochs = [],
            Seed = options.Seed,
            MaxBatchesPerEpoch = null,
            Threads = options.Threads ?? population.Options.Threads,
        };
        log.WriteLine($"fine-tuning {population.Arch} on {train.Count} {options.Site} training images ({trainPositives} TB) for {options.Epochs} epochs; held out: {held.Count}");
        Trainer.Run(train, train.ToDictionary(r => r, _ => SplitName.Train), training, outDir, new PlainTrainingProgress(log));

        var images = PreprocessedImages.Load(held, training.Contract, training.Threads);
        int[] all = Enumerable.Range(0, held.Count).ToArray();
        bool[] labels = held.Select(r => r.Label == CxrRecord.Tb).ToArray();
        SiteModelMetrics Score(string name, string checkpoint)
        {
            var (model, _) = Checkpoints.Load(checkpoint);
            using (model)
            {
                return Metrics(name, ModelScoring.TbProbabilities(model, images, all), labels, options.Threshold);
            }
        }

        var before = Score("population", options.Checkpoint);
        var after = Score($"fine-tuned on {options.Site}", Path.Combine(outDir, "last.pt"));
        var warnings = new List<string>();
        if (held.Count < SmallSite || before.Positives < 10 || before.Negatives < 10)
        {
            warnings.Add($"small held-out sample ({held.Count} images: {before.Positives} TB, {before.Negatives} non-TB): the CIs are wide and the comparison is anecdotal, not evidence");
        }

        if (train.Count < SmallSite)
        {
            warnings.Add($"only {train.Count} training images at this site: fine-tuning on so few can overfit them");
        }

        return new SiteFinetuneReport(FairnessAudit.ResearchNotice, options.Site, train.Count, trainPositives, options.Epochs, options.LearningRate, options.Threshold, before, after, warnings);
    }

    /// <summary>AUC with its DeLong CI (clipped to [0, 1]), sensitivity and specificity at the threshold with Wilson CIs.</summary>
    public static SiteModelMetrics Metrics(string name, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold)
    {
        var auc = DeLong.Estimate(new ScoredCases(scores, labels));
        int tp = 0, fn = 0, tn = 0, fp = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            bool called = scores[i] >= threshold;
            (tp, fn, tn, fp) = (labels[i], called) switch
            {
                (true, true) => (tp + 1, fn, tn, fp),
                (true, false) => (tp, fn + 1, tn, fp),
                (false, false) => (tp, fn, tn + 1, fp),
                _ => (tp, fn, tn, fp + 1),
            };
        }

        static double[]? Ci((double Low, double High)? ci) => ci is var (lo, hi) ? [lo, hi] : null;
        return new SiteModelMetrics(name, labels.Count, tp + fn, tn + fp, auc.Auc,
            auc.CiLow is double lo && auc.CiHigh is double hi ? [Math.Max(0, lo), Math.Min(1, hi)] : null,
            tp + fn == 0 ? null : (double)tp / (tp + fn), Ci(ProportionStatistics.Wilson(tp, tp + fn)),
            tn + fp == 0 ? null : (double)tn / (tn + fp), Ci(ProportionStatistics.Wilson(tn, tn + fp)));
    }

    public static IReadOnlyList<ReportTable> Tables(SiteFinetuneReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return
        [
            ReportTable.Create($"Per-site fine-tuning, {report.Site}: held-out images of the site (threshold {TableFormat.Number(report.Threshold, "0.00")})",
                ["model", "n (TB / non-TB)", "AUC [95% CI]", "sensitivity [95% CI]", "specificity [95% CI]"],
                new[] { report.Population, report.SiteAdapted }.Select(m => (IReadOnlyList<string>)
                [
                    m.Model, $"{m.N} ({m.Positives} / {m.Negatives})", TableFormat.WithCi(m.Auc, m.AucCi),
                    TableFormat.WithCi(m.Sensitivity, m.SensitivityCi), TableFormat.WithCi(m.Specificity, m.SpecificityCi),
                ])),
        ];
    }
}
