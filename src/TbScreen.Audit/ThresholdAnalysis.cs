using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>
/// For one group: the highest ensemble-score threshold giving the group sensitivity &gt;= the target, and the
/// specificity that costs against the global operating point (the ensemble's decisions). SpecificityCost =
/// specificity at the operating point - specificity at the group threshold (positive: the group threshold costs).
/// </summary>
public sealed record GroupThreshold(
    string Attribute,
    string Value,
    double TargetSensitivity,
    double? Threshold,
    double? Sensitivity,
    double? Specificity,
    double? OperatingSensitivity,
    double? OperatingSpecificity,
    double? SpecificityCost,
    string? NullReason);

public static class ThresholdAnalysis
{
    public static GroupThreshold For(Subgroup group, double targetSensitivity = ThresholdSelection.WhoMinimumSensitivity)
    {
        ArgumentNullException.ThrowIfNull(group);
        var scored = new ScoredCases(group.Cases.Select(c => c.Score).ToArray(), group.Cases.Select(c => c.IsTb).ToArray());
        var operating = ConfusionMatrix.FromDecisions(group.Cases.Select(c => c.Called).ToArray(), scored.Labels);
        if (scored.Positives.Length == 0)
        {
            return new GroupThreshold(group.Attribute, group.Value, targetSensitivity, null, null, null, null, operating.Specificity, null,
                "no positives (TB) in this group: sensitivity cannot be set");
        }

        var point = ThresholdSelection.ForSensitivity(scored, targetSensitivity);
        if (point is null)
        {
            // A positives-only group: the threshold still follows from the positives, specificity is undefined.
            double threshold = scored.Positives.OrderByDescending(s => s).ElementAt((int)Math.Ceiling(targetSensitivity * scored.Positives.Length) - 1);
            var atThreshold = ConfusionMatrix.At(scored, threshold);
            return new GroupThreshold(group.Attribute, group.Value, targetSensitivity, threshold, atThreshold.Sensitivity, null,
                operating.Sensitivity, null, null, "no negatives in this group: specificity undefined");
        }

        return new GroupThreshold(group.Attribute, group.Value, targetSensitivity, point.Threshold, point.Sensitivity, point.Specificity,
            operating.Sensitivity, operating.Specificity, operating.Specificity - point.Specificity, null);
    }
}
