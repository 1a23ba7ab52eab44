using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Metrics;

namespace TbScreen.Inference.Evaluation;

/// <summary>Turns screened, labelled cases into <see cref="EvaluationReport"/>; pure, so it is tested without ONNX.</summary>
public static class EnsembleEvaluation
{
    /// <summary>NIH ChestX-ray14's label for a film with none of its fourteen findings.</summary>
    public const string NoFindingLabel = "No Finding";

    public static EvaluationReport Compute(IReadOnlyList<EvaluatedCase> cases, IReadOnlyList<CaseFailure>? failures = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var bySource = cases.GroupBy(c => c.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Group(g.ToList()));
        string[] mixed = bySource.Where(kv => kv.Value.Tb > 0 && kv.Value.NonTb > 0).Select(kv => kv.Key).ToArray();
        return new EvaluationReport(Group(cases))
        {
            BySource = bySource,
            BothClassSourceNames = mixed,
            BothClassSources = mixed.Length == 0 ? null : Group(cases.Where(c => mixed.Contains(c.Source)).ToList()),
            Failures = failures ?? [],
            NegativesByFinding = NegativesByFinding(cases),
        };
    }

    /// <summary>
    /// Non-TB cases split by the manifest's finding_labels: "No Finding" against any other finding, so that
    /// false positives on other lung disease are seen apart from those on normal films. Null without labels.
    /// </summary>
    private static IReadOnlyDictionary<string, GroupMetrics>? NegativesByFinding(IReadOnlyList<EvaluatedCase> cases)
    {
        var labelled = cases.Where(c => !c.IsTb && c.Findings is not null).ToList();
        if (labelled.Count == 0)
        {
            return null;
        }

        return labelled
            .GroupBy(c => string.Equals(c.Findings, NoFindingLabel, StringComparison.OrdinalIgnoreCase) ? "noFinding" : "otherFindings")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Group(g.ToList()));
    }

    public static GroupMetrics Group(IReadOnlyList<EvaluatedCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        bool[] labels = cases.Select(c => c.IsTb).ToArray();
        var models = new Dictionary<string, ScoreMetrics>();
        if (cases.Count > 0)
        {
            var first = cases[0].Decision.Members;
            for (int m = 0; m < first.Count; m++)
            {
                double[] scores = cases.Select(c => c.Decision.Members[m].Probability).ToArray();
                models[first[m].Name] = Score(new ScoredCases(scores, labels), first[m].Threshold);
            }
        }

        double ensembleThreshold = cases.Count > 0 ? cases[0].Decision.Threshold : double.NaN;
        var ensemble = Score(new ScoredCases(cases.Select(c => c.Decision.Probability).ToArray(), labels), ensembleThreshold);
        var agreed = cases.Where(c => !c.Decision.Flags.HasFlag(FlagReasons.Disagreement)).ToList();

        // Lakhani: a radiologist reads the flagged cases and gets them right; the ensemble decides the rest.
        bool[] augmented = cases.Select(c => c.Decision.Flagged ? c.IsTb : c.Decision.IsTb).ToArray();
        var augmentedMatrix = ConfusionMatrix.FromDecisions(augmented, labels);
        return new GroupMetrics
        {
            N = cases.Count,
            Tb = labels.Count(l => l),
            NonTb = labels.Count(l => !l),
            Models = models,
            Ensemble = ensemble,
            DisagreementRate = Rate(cases, c => c.Decision.Flags.HasFlag(FlagReasons.Disagreement)),
            UncertainRate = Rate(cases, c => c.Decision.Flags.HasFlag(FlagReasons.Uncertain)),
            UnfamiliarRate = Rate(cases, c => c.Decision.Flags.HasFlag(FlagReasons.Unfamiliar)),
            FlaggedRate = Rate(cases, c => c.Decision.Flagged),
            AgreedAccuracy = Rate(agreed, c => c.Decision.IsTb == c.IsTb),
            RadiologistAugmentedAccuracy = augmentedMatrix.Accuracy,
            RadiologistAugmentedSensitivity = augmentedMatrix.Sensitivity,
            RadiologistAugmentedSpecificity = augmentedMatrix.Specificity,
        };
    }

    public static ScoreMetrics Score(ScoredCases cases, double threshold)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var auc = DeLong.Estimate(cases);
        var matrix = ConfusionMatrix.At(cases, threshold);
        return new ScoreMetrics
        {
            Auc = auc.Auc,
            AucCi = auc.Auc is null ? null : [auc.CiLow!.Value, auc.CiHigh!.Value],
            AucNullReason = auc.Reason,
            Threshold = threshold,
            Sensitivity = matrix.Sensitivity,
            Specificity = matrix.Specificity,
            Ppv = matrix.Ppv,
            Npv = matrix.Npv,
            TruePositives = matrix.TruePositives,
            FalsePositives = matrix.FalsePositives,
            TrueNegatives = matrix.TrueNegatives,
            FalseNegatives = matrix.FalseNegatives,
            Ece = Calibration.Compute(cases).ExpectedCalibrationError,
        };
    }

    private static double? Rate<T>(IReadOnlyCollection<T> items, Func<T, bool> predicate) =>
        items.Count == 0 ? null : (double)items.Count(predicate) / items.Count;
}
