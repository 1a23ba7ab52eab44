namespace TbScreen.Inference.Metrics;

/// <summary>
/// Counts at one threshold; a case is called positive when score &gt;= threshold. Ratios are null when their
/// denominator is zero (e.g. sensitivity without positives), never NaN, so JSON stays honest.
/// </summary>
public sealed record ConfusionMatrix(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public double? Sensitivity => Ratio(TruePositives, TruePositives + FalseNegatives);

    public double? Specificity => Ratio(TrueNegatives, TrueNegatives + FalsePositives);

    public double? Ppv => Ratio(TruePositives, TruePositives + FalsePositives);

    public double? Npv => Ratio(TrueNegatives, TrueNegatives + FalseNegatives);

    public double? Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    public static ConfusionMatrix At(ScoredCases cases, double threshold)
    {
        ArgumentNullException.ThrowIfNull(cases);
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            bool called = cases.Scores[i] >= threshold;
            (tp, fp, tn, fn) = (called, cases.Labels[i]) switch
            {
                (true, true) => (tp + 1, fp, tn, fn),
                (true, false) => (tp, fp + 1, tn, fn),
                (false, false) => (tp, fp, tn + 1, fn),
                (false, true) => (tp, fp, tn, fn + 1),
            };
        }

        return new ConfusionMatrix(tp, fp, tn, fn);
    }

    /// <summary>From decisions already made (e.g. an ensemble's), rather than from scores.</summary>
    public static ConfusionMatrix FromDecisions(IReadOnlyList<bool> called, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(called);
        ArgumentNullException.ThrowIfNull(labels);
        if (called.Count != labels.Count)
        {
            throw new ArgumentException($"{called.Count} decisions but {labels.Count} labels.");
        }

        return At(new ScoredCases(called.Select(c => c ? 1.0 : 0.0).ToArray(), labels), 0.5);
    }

    private static double? Ratio(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;
}
