using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>The threshold chosen on pooled out-of-fold predictions, and the same rule cross-validated over the folds.</summary>
public sealed record OutOfFoldThresholdResult(
    double TargetSensitivity,
    OperatingPoint Point,
    ScoredCases Cases,
    IReadOnlyList<string> Sources,
    IReadOnlyList<int> CasesPerFold,
    ThresholdCrossValidationResult Check,
    IReadOnlyList<ThresholdFold> AtPooledThreshold);

/// <summary>
/// The shipped threshold from out-of-fold predictions (issue 14): each file is one fold's held-out cases scored by
/// models retrained without them (`tbscreen split-folds`, `train`, `evaluate --split val`), so every score comes from
/// a model that never saw its image. The threshold is the rule's choice on all folds pooled; each fold is then judged
/// by the threshold the rule chooses on the other folds, which shows how far the target holds on cases it was not
/// chosen on and how much it spreads. As for the validation rule, only sources holding at least
/// <paramref name="minimumPerClass"/> cases of each class count, since elsewhere a threshold separates hospitals.
/// </summary>
public static class OutOfFoldThreshold
{
    public const int DefaultMinimumPerClass = 20;

    public static OutOfFoldThresholdResult Choose(IReadOnlyList<string> foldPredictionFiles, double targetSensitivity, string scoreColumn = "ensemble",
        int minimumPerClass = DefaultMinimumPerClass) =>
        Choose(foldPredictionFiles, OutOfFoldPredictions.Read(foldPredictionFiles, scoreColumn), targetSensitivity, minimumPerClass);

    /// <summary>As above, scored by the weighted mean of member columns (a "weighted" ensemble definition).</summary>
    public static OutOfFoldThresholdResult Choose(IReadOnlyList<string> foldPredictionFiles, double targetSensitivity, IReadOnlyList<WeightedColumn> columns,
        int minimumPerClass = DefaultMinimumPerClass) =>
        Choose(foldPredictionFiles, OutOfFoldPredictions.Read(foldPredictionFiles, columns), targetSensitivity, minimumPerClass);

    private static OutOfFoldThresholdResult Choose(IReadOnlyList<string> foldPredictionFiles, IReadOnlyList<OutOfFoldCase> rows, double targetSensitivity, int minimumPerClass)
    {
        var mixed = rows.GroupBy(r => r.Source)
            .Where(g => g.Count(r => r.IsTb) >= minimumPerClass && g.Count(r => !r.IsTb) >= minimumPerClass)
            .Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        var chosen = rows.Where(r => mixed.Count == 0 || mixed.Contains(r.Source)).ToList();
        var cases = new ScoredCases(chosen.Select(r => r.Score).ToArray(), chosen.Select(r => r.IsTb).ToArray());
        var point = ThresholdSelection.ForSensitivity(cases, targetSensitivity)
            ?? throw new ManifestException(foldPredictionFiles[0], "the out-of-fold predictions hold a single class");
        int[] foldOf = chosen.Select(r => r.Fold).ToArray();
        var check = ThresholdCrossValidation.Run(cases, targetSensitivity, foldOf);
        var perFold = Enumerable.Range(0, foldPredictionFiles.Count).Select(f => foldOf.Count(x => x == f)).ToList();
        // The spread of the shipped threshold itself: each fold's sensitivity and specificity at the pooled choice.
        var atPooled = check.Folds.Select(f => Judge(cases, foldOf, f.Fold, point.Threshold)).ToList();
        return new OutOfFoldThresholdResult(targetSensitivity, point, cases, mixed, perFold, check, atPooled);
    }

    /// <summary>Step by which <see cref="ChooseHolding"/> raises the rule's target.</summary>
    public const double HoldStep = 0.01;

    /// <summary>
    /// The rule with the lowest target (from <paramref name="sensitivity"/> upward in steps of <see cref="HoldStep"/>)
    /// whose threshold, chosen on the other folds, still catches at least <paramref name="sensitivity"/> of the TB cases
    /// pooled across folds: the margin that makes the target hold on cases the threshold was not chosen on. At a target
    /// of 1 the search stops whether or not it holds (the caller reports that).
    /// </summary>
    public static OutOfFoldThresholdResult ChooseHolding(IReadOnlyList<string> foldPredictionFiles, double sensitivity, string scoreColumn = "ensemble",
        int minimumPerClass = DefaultMinimumPerClass) =>
        ChooseHolding(foldPredictionFiles, sensitivity, [new WeightedColumn(scoreColumn, 1)], minimumPerClass);

    /// <summary>As above, scored by the weighted mean of member columns (a "weighted" ensemble definition).</summary>
    public static OutOfFoldThresholdResult ChooseHolding(IReadOnlyList<string> foldPredictionFiles, double sensitivity, IReadOnlyList<WeightedColumn> columns,
        int minimumPerClass = DefaultMinimumPerClass)
    {
        var rows = OutOfFoldPredictions.Read(foldPredictionFiles, columns); // read once for every target tried
        for (int step = 0; ; step++)
        {
            double target = Math.Min(1.0, Math.Round(sensitivity + HoldStep * step, 10)); // rounding removes 0.1 + 0.01 noise
            var result = Choose(foldPredictionFiles, rows, target, minimumPerClass);
            if (result.Check.PooledSensitivity >= sensitivity || target >= 1.0) return result;
        }
    }

    private static ThresholdFold Judge(ScoredCases cases, int[] foldOf, int fold, double threshold)
    {
        int[] held = Enumerable.Range(0, cases.Count).Where(i => foldOf[i] == fold).ToArray();
        var at = ConfusionMatrix.At(new ScoredCases(held.Select(i => cases.Scores[i]).ToArray(), held.Select(i => cases.Labels[i]).ToArray()), threshold);
        return new ThresholdFold(fold, threshold, at.TruePositives, at.TruePositives + at.FalseNegatives, at.TrueNegatives, at.TrueNegatives + at.FalsePositives);
    }
}
