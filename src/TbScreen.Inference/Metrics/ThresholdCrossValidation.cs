namespace TbScreen.Inference.Metrics;

/// <summary>One fold: the threshold chosen without it, and what that threshold does on it.</summary>
public sealed record ThresholdFold(int Fold, double Threshold, int TruePositives, int Positives, int TrueNegatives, int Negatives)
{
    public double Sensitivity => Positives == 0 ? double.NaN : (double)TruePositives / Positives;

    public double Specificity => Negatives == 0 ? double.NaN : (double)TrueNegatives / Negatives;
}

/// <summary>The folds, and the out-of-fold sensitivity and specificity pooled over all of them.</summary>
public sealed record ThresholdCrossValidationResult(double MinimumSensitivity, IReadOnlyList<ThresholdFold> Folds)
{
    public double PooledSensitivity => (double)Folds.Sum(f => f.TruePositives) / Folds.Sum(f => f.Positives);

    public double PooledSpecificity => (double)Folds.Sum(f => f.TrueNegatives) / Folds.Sum(f => f.Negatives);
}

/// <summary>
/// K-fold cross-validation of the threshold rule <see cref="ThresholdSelection.ForSensitivity"/>: for each fold the
/// threshold is chosen on the other folds and applied to this one (a case is positive when score &gt;= threshold). It
/// shows how far a sensitivity target chosen on a sample holds on cases it was not chosen on, and how much the
/// threshold itself moves between samples.
/// </summary>
public static class ThresholdCrossValidation
{
    /// <summary>Stratified folds: each class is shuffled with <paramref name="seed"/> and dealt round-robin.</summary>
    public static ThresholdCrossValidationResult Run(ScoredCases cases, double minimumSensitivity, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "Cross-validation needs at least 2 folds.");
        }

        if (cases.Positives.Length < folds || cases.Negatives.Length < folds)
        {
            throw new ArgumentException($"{folds} folds need at least {folds} cases of each class ({cases.Positives.Length} positive, {cases.Negatives.Length} negative).");
        }

        var random = new Random(seed);
        var foldOf = new int[cases.Count];
        foreach (bool label in new[] { true, false })
        {
            int[] members = Enumerable.Range(0, cases.Count).Where(i => cases.Labels[i] == label).ToArray();
            random.Shuffle(members);
            for (int k = 0; k < members.Length; k++)
            {
                foldOf[members[k]] = k % folds;
            }
        }

        return Run(cases, minimumSensitivity, foldOf);
    }

    /// <summary>Cross-validation over a given assignment of cases to folds 0..K-1.</summary>
    public static ThresholdCrossValidationResult Run(ScoredCases cases, double minimumSensitivity, IReadOnlyList<int> foldOf)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(foldOf);
        if (foldOf.Count != cases.Count)
        {
            throw new ArgumentException($"{cases.Count} cases but {foldOf.Count} fold assignments.");
        }

        var result = new List<ThresholdFold>();
        foreach (int fold in foldOf.Distinct().Order())
        {
            int[] rest = Enumerable.Range(0, cases.Count).Where(i => foldOf[i] != fold).ToArray();
            int[] held = Enumerable.Range(0, cases.Count).Where(i => foldOf[i] == fold).ToArray();
            var point = ThresholdSelection.ForSensitivity(new ScoredCases(rest.Select(i => cases.Scores[i]).ToArray(), rest.Select(i => cases.Labels[i]).ToArray()), minimumSensitivity)
                ?? throw new ArgumentException($"without fold {fold} the cases hold a single class; use fewer folds.");
            int tp = held.Count(i => cases.Labels[i] && cases.Scores[i] >= point.Threshold);
            int tn = held.Count(i => !cases.Labels[i] && cases.Scores[i] < point.Threshold);
            result.Add(new ThresholdFold(fold, point.Threshold, tp, held.Count(i => cases.Labels[i]), tn, held.Count(i => !cases.Labels[i])));
        }

        return new ThresholdCrossValidationResult(minimumSensitivity, result);
    }
}
