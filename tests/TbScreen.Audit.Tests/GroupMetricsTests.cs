using TbScreen.Audit;

namespace TbScreen.Audit.Tests;

public sealed class GroupMetricsTests
{
    private const int Precision = 9;

    [Fact]
    public void Rates_auc_and_ece_match_hand_computed_values()
    {
        var m = GroupMetrics.Compute(Fixtures.Group("F", Fixtures.GroupA()), minimumN: 5, replicates: 200, seed: 1);
        Assert.Equal(10, m.N);
        Assert.Equal(4, m.Positives);
        Assert.Equal(0.4, m.Prevalence, Precision);
        Assert.Equal(22.0 / 24, m.Auc!.Value, Precision);
        Assert.Equal(0.75, m.Tpr!.Value, Precision);
        Assert.Equal(1.0 / 6, m.Fpr!.Value, Precision);
        Assert.Equal(0.75, m.Ppv!.Value, Precision);
        Assert.Equal(5.0 / 6, m.Npv!.Value, Precision);
        Assert.Equal(0.4, m.PositiveRate, Precision);
        Assert.Equal(0.265, m.Ece!.Value, Precision);
        Assert.False(m.SmallGroup);
        Assert.True(m.AucCi![0] <= m.Auc && m.Auc <= m.AucCi[1]);
    }

    [Fact]
    public void The_tpr_interval_is_wilsons()
    {
        var m = GroupMetrics.Compute(Fixtures.Group("F", Fixtures.GroupA()), 5, 200, 1);
        // Wilson 95% for 3 of 4: (0.3006, 0.9544).
        Assert.Equal(0.30065, m.TprCi![0], 4);
        Assert.Equal(0.95441, m.TprCi[1], 4);
    }

    [Fact]
    public void A_single_class_group_has_null_auc_with_a_reason_and_null_tpr()
    {
        var negatives = Fixtures.GroupB().Where(c => !c.IsTb).ToList();
        var m = GroupMetrics.Compute(Fixtures.Group("M", negatives), 30, 200, 1);
        Assert.Null(m.Auc);
        Assert.Null(m.AucCi);
        Assert.Contains("no positive", m.AucNullReason, StringComparison.Ordinal);
        Assert.Null(m.Tpr);
        Assert.Equal(0.2, m.Fpr!.Value, Precision);
        Assert.NotNull(m.FprCi);
        Assert.True(m.SmallGroup);
    }

    [Fact]
    public void The_auc_ci_is_seeded_and_reproducible()
    {
        var group = Fixtures.Group("F", Fixtures.GroupA());
        var a = GroupMetrics.Compute(group, 5, 300, 7);
        var b = GroupMetrics.Compute(group, 5, 300, 7);
        Assert.Equal(a.AucCi, b.AucCi);
    }

    [Fact]
    public void Wilson_is_null_without_cases() => Assert.Null(ProportionStatistics.Wilson(0, 0));

    [Fact]
    public void Minimum_detectable_difference_matches_the_two_proportion_formula()
    {
        // d = (1.95996 + 0.84162) * sqrt(0.5*0.5/93 + p2(1-p2)/93), p2 = 0.5 + d: d is about 0.1974.
        Assert.Equal(0.1974, ProportionStatistics.MinimumDetectableDifference(0.5, 93, 93)!.Value, 3);
        // p1 = 0: d = 2.80158^2 (1 - d) / 100, so d = 0.078489 / 1.078489 = 0.0728.
        Assert.Equal(0.0728, ProportionStatistics.MinimumDetectableDifference(0, 100, 100)!.Value, 3);
        // Symmetric: p1 = 1 moves down.
        Assert.Equal(0.0728, ProportionStatistics.MinimumDetectableDifference(1, 100, 100)!.Value, 3);
    }

    [Fact]
    public void Minimum_detectable_difference_grows_as_groups_shrink_and_is_null_for_empty_groups()
    {
        double large = ProportionStatistics.MinimumDetectableDifference(0.3, 500, 500)!.Value;
        double small = ProportionStatistics.MinimumDetectableDifference(0.3, 500, 20)!.Value;
        Assert.True(small > large);
        Assert.Null(ProportionStatistics.MinimumDetectableDifference(0.3, 500, 0));
        Assert.Null(ProportionStatistics.MinimumDetectableDifference(0.5, 1, 1));
    }
}
