using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>
/// One subgroup's performance. Rates are at the ensemble's operating threshold (its decisions); a rate is null when
/// its denominator is empty (TPR without positives). AUC is null with <see cref="AucNullReason"/> for a single class.
/// </summary>
public sealed record GroupMetrics(
    string Attribute,
    string Value,
    int N,
    int Positives,
    int Negatives,
    double Prevalence,
    double? Auc,
    double[]? AucCi,
    string? AucNullReason,
    double? Tpr,
    double[]? TprCi,
    double? Fpr,
    double[]? FprCi,
    double? Ppv,
    double? Npv,
    double PositiveRate,
    double? Ece,
    bool SmallGroup)
{
    public string Name => $"{Attribute}={Value}";

    /// <summary>
    /// AUC CI: the seeded stratified percentile bootstrap of <see cref="BootstrapCi"/>. TPR/FPR CIs: Wilson 95%
    /// (closed form, defined for one-class groups, e.g. FPR of an all-negative group). ECE: 10 equal-width bins.
    /// </summary>
    public static GroupMetrics Compute(Subgroup group, int minimumN, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(group);
        var scored = new ScoredCases(group.Cases.Select(c => c.Score).ToArray(), group.Cases.Select(c => c.IsTb).ToArray());
        var decisions = ConfusionMatrix.FromDecisions(group.Cases.Select(c => c.Called).ToArray(), scored.Labels);
        int positives = scored.Positives.Length;
        int negatives = scored.Negatives.Length;
        int n = scored.Count;
        var aucCi = BootstrapCi.Auc(scored, replicates, seed);
        return new GroupMetrics(
            group.Attribute,
            group.Value,
            n,
            positives,
            negatives,
            n == 0 ? 0 : (double)positives / n,
            DeLong.Auc(scored),
            aucCi is var (lo, hi) ? [lo, hi] : null,
            scored.SingleClassReason,
            decisions.Sensitivity,
            Interval(ProportionStatistics.Wilson(decisions.TruePositives, positives)),
            1 - decisions.Specificity,
            Interval(ProportionStatistics.Wilson(decisions.FalsePositives, negatives)),
            decisions.Ppv,
            decisions.Npv,
            n == 0 ? 0 : (double)(decisions.TruePositives + decisions.FalsePositives) / n,
            Calibration.Compute(scored).ExpectedCalibrationError,
            n < minimumN);
    }

    private static double[]? Interval((double Low, double High)? ci) => ci is var (lo, hi) ? [lo, hi] : null;
}
