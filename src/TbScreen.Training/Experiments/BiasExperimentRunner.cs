using TbScreen.Audit;
using TbScreen.Audit.Bias;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Splits;
using TbScreen.Training.Training;

namespace TbScreen.Training.Experiments;

/// <summary>What the bias experiment trains and how it scores.</summary>
public sealed record BiasExperimentOptions(
    BiasGroup Group,
    IReadOnlyList<double> LabelBiases,
    IReadOnlyList<double> SelectionBiases,
    TrainingOptions Training,
    double Threshold = 0.5,
    int BootstrapReplicates = 1000,
    string GroupRationale = "");

/// <summary>
/// The label-bias experiment (Wick, Panda &amp; Tristan, NeurIPS 2019): one model per bias setting, all with the same
/// seed and schedule. The bias is applied to the train and validation splits (a practitioner only has the biased
/// labels, also for early stopping); each model is then scored on the held-out test split against the test labels
/// biased the same way and against the clean labels. A setting whose folder already holds a finished model
/// (complete.json) is scored again without retraining, so an interrupted run resumes.
/// </summary>
public static class BiasExperimentRunner
{
    private const string CompleteMarker = "complete.json";

    public static BiasExperimentReport Run(DatasetSplit split, BiasExperimentOptions options, string outDir, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var bands = AgeBands.Parse(AgeBands.Default);
        int seed = options.Training.Seed;
        bool Member(CxrRecord r) => options.Group.Contains(new AuditCase(r.Path, r.Label == CxrRecord.Tb, 0, false, r.Source, r.Sex, r.Age), r.PatientId, bands, seed);

        var fit = split.Records.Where(r => split.Assignment.TryGetValue(r, out var s) && s != SplitName.Test).ToList();
        var test = split.Records.Where(r => split.Assignment.TryGetValue(r, out var s) && s == SplitName.Test).ToList();
        bool[] fitLabels = fit.Select(r => r.Label == CxrRecord.Tb).ToArray();
        bool[] fitGroup = fit.Select(Member).ToArray();
        bool[] testLabels = test.Select(r => r.Label == CxrRecord.Tb).ToArray();
        bool[] testGroup = test.Select(Member).ToArray();
        int groupPositives = Count(fitLabels, fitGroup, true);
        int testGroupPositives = Count(testLabels, testGroup, true);
        if (groupPositives == 0 || testGroupPositives == 0)
        {
            throw new DatasetException($"group {options.Group.Name} has {groupPositives} TB cases in train+val and {testGroupPositives} in test: " +
                "label and selection bias act on the group's positives, so it needs some in both (in this data sex and age exist only for negatives; try random=0.5)");
        }

        if (testGroup.All(g => g) || testGroup.All(g => !g))
        {
            throw new DatasetException($"group {options.Group.Name} covers {(testGroup[0] ? "all" : "none")} of the test split: no gap to measure");
        }

        log.WriteLine($"bias experiment: group {options.Group.Name}: {fitGroup.Count(g => g)} of {fit.Count} train+val images ({groupPositives} TB), " +
            $"{testGroup.Count(g => g)} of {test.Count} test images ({testGroupPositives} TB)");
        var testImages = PreprocessedImages.Load(test, options.Training.Contract, options.Training.Threads);
        var settings = new List<BiasSetting>();
        foreach (var (name, labelBias, selectionBias) in Settings(options))
        {
            string dir = Path.Combine(outDir, name);
            var (fitKeep, fitBiased) = Bias(fitLabels, fitGroup, labelBias, selectionBias, seed);
            var trained = TrainOrReuse(fit, fitKeep, fitBiased, split, options.Training, dir, name, log);
            double[] scores;
            var (model, _) = Checkpoints.Load(Path.Combine(dir, "best.pt"));
            using (model)
            {
                scores = ModelScoring.TbProbabilities(model, testImages, Enumerable.Range(0, test.Count).ToArray(), options.Training.BatchSize);
            }

            var (testKeep, testBiased) = Bias(testLabels, testGroup, labelBias, selectionBias, seed);
            int[] kept = Enumerable.Range(0, test.Count).Where(i => testKeep[i]).ToArray();
            var biased = BiasEvaluation.Compute(BiasEvaluation.BiasedLabels, kept.Select(i => testBiased[i]).ToArray(),
                kept.Select(i => scores[i]).ToArray(), kept.Select(i => testGroup[i]).ToArray(), options.Threshold, options.BootstrapReplicates, seed);
            var clean = BiasEvaluation.Compute(BiasEvaluation.CleanLabels, testLabels, scores, testGroup, options.Threshold, options.BootstrapReplicates, seed);
            settings.Add(new BiasSetting(name, labelBias, selectionBias, groupPositives,
                Enumerable.Range(0, fit.Count).Count(i => fitKeep[i] && fitLabels[i] && !fitBiased[i]),
                fitKeep.Length - fitKeep.Count(k => k), trained.BestEpoch, trained.BestValAuc, biased, clean));
            log.WriteLine($"{name}: accuracy biased {biased.Accuracy:0.000} clean {clean.Accuracy:0.000}; EO gap biased {biased.EqualisedOdds:0.000} clean {clean.EqualisedOdds:0.000}");
        }

        return new BiasExperimentReport(FairnessAudit.ResearchNotice, options.Group.Name, options.GroupRationale, options.Threshold,
            options.Training.Arch, options.Training.Epochs, seed, test.Count, testGroup.Count(g => g), testGroupPositives, settings,
            [AuditCaveats.SourceConfounding, "Bias is applied to train and validation labels; the clean evaluation uses the test labels as given (themselves only as good as the sources' labels)."]);
    }

    /// <summary>Label-bias settings (no selection bias), then selection-bias settings (no label bias), without duplicates.</summary>
    public static IReadOnlyList<(string Name, double LabelBias, double SelectionBias)> Settings(BiasExperimentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.LabelBiases.Select(q => (Name: FormattableString.Invariant($"label-{q:0.00}"), q, 0.0)).ToList();
        settings.AddRange(options.SelectionBiases.Where(s => s > 0).Select(s => (FormattableString.Invariant($"select-{s:0.00}"), 0.0, s)));
        return settings.DistinctBy(s => s.Item1).ToList();
    }

    /// <summary>Selection bias first (drop group positives), then label bias among the group positives that remain.</summary>
    public static (bool[] Keep, bool[] Labels) Bias(bool[] labels, bool[] inGroup, double labelBias, double selectionBias, int seed)
    {
        bool[] keep = BiasInjection.DropPositives(labels, inGroup, selectionBias, seed);
        int[] kept = Enumerable.Range(0, labels.Length).Where(i => keep[i]).ToArray();
        bool[] flippedKept = BiasInjection.FlipPositives(kept.Select(i => labels[i]).ToArray(), kept.Select(i => inGroup[i]).ToArray(), labelBias, seed);
        bool[] result = labels.ToArray();
        for (int k = 0; k < kept.Length; k++)
        {
            result[kept[k]] = flippedKept[k];
        }

        return (keep, result);
    }

    private static TrainingResult TrainOrReuse(List<CxrRecord> fit, bool[] keep, bool[] labels, DatasetSplit split, TrainingOptions training,
        string dir, string name, TextWriter log)
    {
        string marker = Path.Combine(dir, CompleteMarker);
        if (File.Exists(marker) && File.Exists(Path.Combine(dir, "best.pt")))
        {
            log.WriteLine($"{name}: reusing the finished model in {dir}");
            return TrainingJson.Read<TrainingResult>(marker);
        }

        var records = new List<CxrRecord>();
        var assignment = new Dictionary<CxrRecord, SplitName>();
        for (int i = 0; i < fit.Count; i++)
        {
            if (keep[i])
            {
                var record = fit[i] with { Label = labels[i] ? CxrRecord.Tb : CxrRecord.NotTb };
                records.Add(record);
                assignment[record] = split.Assignment[fit[i]];
            }
        }

        log.WriteLine($"{name}: training {training.Arch} on {records.Count} images ({records.Count(r => r.Label == CxrRecord.Tb)} labelled TB), {training.Epochs} epochs");
        var result = Trainer.Run(records, assignment, training, dir, new PlainTrainingProgress(log));
        TrainingJson.Write(marker, result);
        return result;
    }

    private static int Count(bool[] labels, bool[] inGroup, bool label) =>
        Enumerable.Range(0, labels.Length).Count(i => inGroup[i] && labels[i] == label);
}
