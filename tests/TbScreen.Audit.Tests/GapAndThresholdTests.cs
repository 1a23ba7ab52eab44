using TbScreen.Audit;

namespace TbScreen.Audit.Tests;

public sealed class GapAndThresholdTests
{
    private const int Precision = 9;

    private static IReadOnlyList<GapMetrics> Gaps(int minimumN = 5, int seed = 1, int replicates = 500)
    {
        var groups = new List<Subgroup> { Fixtures.Group("F", Fixtures.GroupA()), Fixtures.Group("M", Fixtures.GroupB()) };
        var metrics = groups.Select(g => GroupMetrics.Compute(g, minimumN, replicates, seed)).ToList();
        return GapAnalysis.Compute(groups, metrics, minimumN, replicates, seed);
    }

    [Fact]
    public void Gaps_are_taken_against_the_largest_group_and_match_hand_computed_values()
    {
        var gaps = Gaps();
        Assert.All(gaps, g => Assert.Equal(("F", "M"), (g.Group, g.Reference)));
        // TPR 0.75 vs 0.5; FPR 1/6 vs 0.2; positive rate 0.4 vs 0.25.
        Assert.Equal(0.25, gaps.Single(g => g.Metric == GapNames.EqualOpportunity).Value!.Value, Precision);
        Assert.Equal(0.25, gaps.Single(g => g.Metric == GapNames.EqualisedOdds).Value!.Value, Precision);
        Assert.Equal(0.15, gaps.Single(g => g.Metric == GapNames.DemographicParity).Value!.Value, Precision);
    }

    [Fact]
    public void An_unknown_group_is_not_the_reference_even_when_largest()
    {
        var unknown = Fixtures.GroupA("?").Concat(Fixtures.GroupA("?")).ToList();
        var groups = new List<Subgroup> { Fixtures.Group("F", Fixtures.GroupA()), Fixtures.Group("M", Fixtures.GroupB()), Fixtures.Group("unknown", unknown) };
        var metrics = groups.Select(g => GroupMetrics.Compute(g, 1, 50, 1)).ToList();
        var gaps = GapAnalysis.Compute(groups, metrics, 1, 50, 1);
        Assert.All(gaps, g => Assert.Equal("M", g.Reference));
        Assert.Equal(["F", "unknown"], gaps.Select(g => g.Group).Distinct());
    }

    [Fact]
    public void Equalised_odds_takes_the_fpr_gap_when_it_is_larger()
    {
        var a = Fixtures.Group("F", [Fixtures.Case(true, 0.9), Fixtures.Case(false, 0.9), Fixtures.Case(false, 0.9)]);
        var b = Fixtures.Group("M", [Fixtures.Case(true, 0.9), Fixtures.Case(false, 0.1), Fixtures.Case(false, 0.1), Fixtures.Case(false, 0.1)]);
        var gaps = GapAnalysis.Between(a, GroupMetrics.Compute(a, 1, 50, 1), b, GroupMetrics.Compute(b, 1, 50, 1), 1, 50, 1);
        Assert.Equal(0, gaps[0].Value!.Value, Precision);
        Assert.Equal(1, gaps[1].Value!.Value, Precision);
    }

    [Fact]
    public void Gap_cis_are_seeded_reproducible_and_bracket_the_estimate()
    {
        var first = Gaps(seed: 3);
        var again = Gaps(seed: 3);
        var other = Gaps(seed: 4);
        Assert.Equal(first.Select(g => g.Ci), again.Select(g => g.Ci), new CiComparer());
        Assert.NotEqual(first.Select(g => g.Ci), other.Select(g => g.Ci), new CiComparer());
        var parity = first.Single(g => g.Metric == GapNames.DemographicParity);
        Assert.InRange(parity.Value!.Value, parity.Ci![0], parity.Ci[1]);
    }

    [Fact]
    public void Gaps_of_small_groups_are_marked_not_interpretable()
    {
        var gaps = Gaps(minimumN: 11);
        Assert.All(gaps, g =>
        {
            Assert.False(g.Interpretable);
            Assert.StartsWith(GapAnalysis.NotInterpretable, g.Note, StringComparison.Ordinal);
            Assert.Contains("sex=F", g.Note, StringComparison.Ordinal);
        });
        Assert.All(Gaps(minimumN: 10), g => Assert.True(g.Interpretable));
    }

    [Fact]
    public void The_detectable_difference_uses_the_reference_rate_and_both_group_sizes()
    {
        var eo = Gaps().Single(g => g.Metric == GapNames.EqualOpportunity);
        Assert.Equal(ProportionStatistics.MinimumDetectableDifference(0.5, 2, 4), eo.MinimumDetectableDifference);
        var parity = Gaps().Single(g => g.Metric == GapNames.DemographicParity);
        Assert.Equal(ProportionStatistics.MinimumDetectableDifference(0.25, 12, 10), parity.MinimumDetectableDifference);
    }

    [Fact]
    public void Without_positives_the_tpr_gap_is_null_and_equalised_odds_uses_fpr_only()
    {
        var a = Fixtures.Group("F", Fixtures.GroupA().Where(c => !c.IsTb).ToList());
        var b = Fixtures.Group("M", Fixtures.GroupB().Where(c => !c.IsTb).ToList());
        var gaps = GapAnalysis.Between(a, GroupMetrics.Compute(a, 1, 50, 1), b, GroupMetrics.Compute(b, 1, 50, 1), 1, 50, 1);
        Assert.Null(gaps[0].Value);
        Assert.Null(gaps[0].Ci);
        Assert.Equal(0.2 - 1.0 / 6, gaps[1].Value!.Value, Precision);
        Assert.Contains("FPR gap only", gaps[1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void The_group_threshold_reaches_the_target_and_reports_its_specificity_cost()
    {
        var t = ThresholdAnalysis.For(Fixtures.Group("F", Fixtures.GroupA()), 0.9);
        // All 4 positives needed: threshold 0.3; specificity there 4/6; at the operating point 5/6.
        Assert.Equal(0.3, t.Threshold!.Value, Precision);
        Assert.Equal(1, t.Sensitivity!.Value, Precision);
        Assert.Equal(4.0 / 6, t.Specificity!.Value, Precision);
        Assert.Equal(5.0 / 6, t.OperatingSpecificity!.Value, Precision);
        Assert.Equal(1.0 / 6, t.SpecificityCost!.Value, Precision);
        Assert.Null(t.NullReason);
    }

    [Fact]
    public void A_group_without_positives_has_no_threshold()
    {
        var t = ThresholdAnalysis.For(Fixtures.Group("M", Fixtures.GroupB().Where(c => !c.IsTb).ToList()));
        Assert.Null(t.Threshold);
        Assert.Null(t.SpecificityCost);
        Assert.Contains("no positives", t.NullReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Site_calibration_derives_the_threshold_with_reproducible_cis()
    {
        var a = SiteCalibration.Compute(Fixtures.GroupA(), 0.9, 300, 5);
        var b = SiteCalibration.Compute(Fixtures.GroupA(), 0.9, 300, 5);
        Assert.Equal(0.3, a.Threshold, Precision);
        Assert.Equal(1, a.Sensitivity, Precision);
        Assert.Equal(4.0 / 6, a.Specificity, Precision);
        Assert.Equal(0.75, a.OperatingSensitivity!.Value, Precision);
        Assert.Equal(a.SensitivityCi, b.SensitivityCi);
        Assert.Equal(a.SpecificityCi, b.SpecificityCi);
        Assert.InRange(a.Specificity, a.SpecificityCi![0], a.SpecificityCi[1]);
        Assert.Contains(a.Warnings, w => w.Contains("small sample", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => SiteCalibration.Compute(Fixtures.GroupA().Where(c => c.IsTb).ToList(), 0.9, 100, 1));
    }

    private sealed class CiComparer : IEqualityComparer<double[]?>
    {
        public bool Equals(double[]? x, double[]? y) => x is null ? y is null : y is not null && x.SequenceEqual(y);

        public int GetHashCode(double[]? obj) => obj is null ? 0 : obj.Length;
    }
}
