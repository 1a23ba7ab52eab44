using TbScreen.Inference.Metrics;

namespace TbScreen.Audit.Bias;

/// <summary>Accuracy, AUC and the group-vs-rest fairness gaps of one model under one labelling of the test set.</summary>
public sealed record BiasEvaluation(
    string Labels,
    int N,
    int Positives,
    double Accuracy,
    double[] AccuracyCi,
    double? Auc,
    double[]? AucCi,
    GroupMetrics Group,
    GroupMetrics Rest,
    double? TprGap,
    double[]? TprGapCi,
    double? EqualisedOdds,
    double[]? EqualisedOddsCi,
    double DemographicParity,
    double[]? DemographicParityCi)
{
    public const string BiasedLabels = "biased";
    public const string CleanLabels = "clean";
    public const string GroupValue = "group";
    public const string RestValue = "rest";

    /// <summary>
    /// Accuracy CI: Wilson 95%. AUC CI: DeLong 95%. Gaps (group minus rest) and their CIs: <see cref="GapAnalysis.Between"/>
    /// (seeded stratified bootstrap), so they mean exactly what the audit's gaps mean.
    /// </summary>
    public static BiasEvaluation Compute(string labelling, IReadOnlyList<bool> labels, IReadOnlyList<double> scores,
        IReadOnlyList<bool> inGroup, double threshold, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(inGroup);
        if (labels.Count != scores.Count || labels.Count != inGroup.Count || labels.Count == 0)
        {
            throw new ArgumentException($"labels ({labels.Count}), scores ({scores.Count}) and group membership ({inGroup.Count}) must be equal and non-empty");
        }

        var cases = Enumerable.Range(0, labels.Count)
            .Select(i => new AuditCase(i.ToString(System.Globalization.CultureInfo.InvariantCulture), labels[i], scores[i], scores[i] >= threshold))
            .ToArray();
        var group = new Subgroup("bias group", GroupValue, cases.Where((_, i) => inGroup[i]).ToList());
        var rest = new Subgroup("bias group", RestValue, cases.Where((_, i) => !inGroup[i]).ToList());
        if (group.Cases.Count == 0 || rest.Cases.Count == 0)
        {
            throw new ArgumentException($"the test set needs cases in and out of the group (in: {group.Cases.Count}, out: {rest.Cases.Count})");
        }

        var g = GroupMetrics.Compute(group, 1, replicates, seed);
        var r = GroupMetrics.Compute(rest, 1, replicates, seed);
        var gaps = GapAnalysis.Between(group, g, rest, r, 1, replicates, seed);
        int correct = cases.Count(c => c.Called == c.IsTb);
        var (low, high) = ProportionStatistics.Wilson(correct, cases.Length)!.Value;
        var auc = DeLong.Estimate(new ScoredCases(scores, labels));
        GapMetrics Gap(string name) => gaps.Single(x => x.Metric == name);
        return new BiasEvaluation(labelling, cases.Length, cases.Count(c => c.IsTb), (double)correct / cases.Length, [low, high],
            auc.Auc, auc.CiLow is double lo && auc.CiHigh is double hi ? [Math.Max(0, lo), Math.Min(1, hi)] : null, g, r,
            Gap(GapNames.EqualOpportunity).Value, Gap(GapNames.EqualOpportunity).Ci,
            Gap(GapNames.EqualisedOdds).Value, Gap(GapNames.EqualisedOdds).Ci,
            Gap(GapNames.DemographicParity).Value ?? 0, Gap(GapNames.DemographicParity).Ci);
    }
}
