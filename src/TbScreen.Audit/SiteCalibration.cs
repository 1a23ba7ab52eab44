using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>A local threshold derived from a site's labelled sample, and what it achieves there.</summary>
public sealed record SiteCalibrationResult(
    int N,
    int Positives,
    int Negatives,
    double TargetSensitivity,
    double Threshold,
    double Sensitivity,
    double[]? SensitivityCi,
    double Specificity,
    double[]? SpecificityCi,
    double? OperatingSensitivity,
    double? OperatingSpecificity,
    int Replicates,
    int Seed,
    IReadOnlyList<string> Warnings);

/// <summary>
/// WHO asks that CAD thresholds be set locally: the highest ensemble-score threshold reaching the target sensitivity
/// on the site's sample (<see cref="ThresholdSelection.ForSensitivity"/>), with seeded stratified bootstrap CIs
/// (<see cref="BootstrapCi.Of"/>) for the sensitivity and specificity at that fixed threshold.
/// </summary>
public static class SiteCalibration
{
    public const int RecommendedMinimumPerClass = 30;

    public static SiteCalibrationResult Compute(IReadOnlyList<AuditCase> cases, double targetSensitivity, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var scored = new ScoredCases(cases.Select(c => c.Score).ToArray(), cases.Select(c => c.IsTb).ToArray());
        if (scored.SingleClassReason is string reason)
        {
            throw new ArgumentException($"site calibration needs both classes: {reason}");
        }

        var point = ThresholdSelection.ForSensitivity(scored, targetSensitivity)!;
        var sensitivityCi = BootstrapCi.Of(scored, c => ConfusionMatrix.At(c, point.Threshold).Sensitivity ?? double.NaN, replicates, seed);
        var specificityCi = BootstrapCi.Of(scored, c => ConfusionMatrix.At(c, point.Threshold).Specificity ?? double.NaN, replicates, seed);
        var operating = ConfusionMatrix.FromDecisions(cases.Select(c => c.Called).ToArray(), scored.Labels);
        var warnings = new List<string>();
        if (scored.Positives.Length < RecommendedMinimumPerClass || scored.Negatives.Length < RecommendedMinimumPerClass)
        {
            warnings.Add($"small sample ({scored.Positives.Length} positives, {scored.Negatives.Length} negatives; at least {RecommendedMinimumPerClass} of each is recommended): the threshold is unstable, read the CIs");
        }

        return new SiteCalibrationResult(scored.Count, scored.Positives.Length, scored.Negatives.Length, targetSensitivity,
            point.Threshold, point.Sensitivity, Interval(sensitivityCi), point.Specificity, Interval(specificityCi),
            operating.Sensitivity, operating.Specificity, replicates, seed, warnings);
    }

    private static double[]? Interval((double Low, double High)? ci) => ci is var (lo, hi) ? [lo, hi] : null;
}
