namespace TbScreen.Inference.Metrics;

/// <summary>An operating threshold and what it achieves on the data it was chosen on.</summary>
public sealed record OperatingPoint(double Threshold, double Sensitivity, double Specificity);

/// <summary>
/// Chooses thresholds on validation data. Candidates are the observed scores (a case is positive when
/// score &gt;= threshold), so a chosen threshold is always reproducible on the same data.
/// </summary>
public static class ThresholdSelection
{
    /// <summary>WHO's target product profile for CAD in TB asks for sensitivity of at least 0.90.</summary>
    public const double WhoMinimumSensitivity = 0.90;

    /// <summary>Maximises sensitivity + specificity - 1; ties go to the higher threshold (fewer false alarms). Null for a single class.</summary>
    public static OperatingPoint? Youden(ScoredCases cases)
    {
        OperatingPoint? best = null;
        foreach (var p in Candidates(cases))
        {
            if (best is null || p.Sensitivity + p.Specificity > best.Sensitivity + best.Specificity)
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>
    /// The highest threshold whose sensitivity reaches <paramref name="minimumSensitivity"/>: among thresholds that
    /// meet the target it has the best specificity. Null for a single class.
    /// </summary>
    public static OperatingPoint? ForSensitivity(ScoredCases cases, double minimumSensitivity = WhoMinimumSensitivity)
    {
        if (minimumSensitivity is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumSensitivity), minimumSensitivity, "Must be in [0, 1].");
        }

        // Candidates run from high to low threshold, so sensitivity only grows: the first that qualifies is the highest.
        return Candidates(cases).FirstOrDefault(p => p.Sensitivity >= minimumSensitivity);
    }

    private static IEnumerable<OperatingPoint> Candidates(ScoredCases cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        foreach (var point in RocCurve.Points(cases).Skip(1))
        {
            yield return new OperatingPoint(point.Threshold, point.TruePositiveRate, 1 - point.FalsePositiveRate);
        }
    }
}
