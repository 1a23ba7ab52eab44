namespace TbScreen.Audit.Tests;

public sealed class SiteCalibrationSimulationTests
{
    [Fact]
    public void Held_out_results_follow_the_exact_distribution_of_a_small_case()
    {
        // 3 TB (0.9, 0.8, 0.3) and 3 normal (0.1, 0.2, 0.85); calibrate on 2 + 2 at target sensitivity 1, test on 1 + 1.
        // The threshold is the lower sampled TB score: 0.3 unless 0.3 is the one held out (then 0.8), so the held-out
        // TB is found in 2 of 3 draws; the held-out normal is called normal unless it is 0.85: also 2 of 3.
        AuditCase[] cases =
        [
            new("t1", true, 0.9, true), new("t2", true, 0.8, true), new("t3", true, 0.3, false),
            new("n1", false, 0.1, false), new("n2", false, 0.2, false), new("n3", false, 0.85, true),
        ];

        var result = SiteCalibrationSimulation.Run(cases, 2, 2, 1.0, 6000, 3);

        Assert.InRange(result.ShareReachingTarget, 2.0 / 3 - 0.03, 2.0 / 3 + 0.03);
        Assert.Equal(new SimulatedMeasure(1, 0, 1), result.Sensitivity);
        Assert.Equal(new SimulatedMeasure(1, 0, 1), result.Specificity);
        Assert.Equal(0.3, result.Threshold.Median);
        Assert.Equal(0.8, result.Threshold.High);
        Assert.Equal((6, 3, 3, 6000, 3), (result.N, result.Positives, result.Negatives, result.Repeats, result.Seed));
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws()
    {
        var cases = Enumerable.Range(0, 60).Select(i => new AuditCase($"c{i}", i % 2 == 0, (i * 37 % 60) / 60.0, false)).ToList();

        Assert.Equal(SiteCalibrationSimulation.Run(cases, 10, 10, 0.9, 200, 5), SiteCalibrationSimulation.Run(cases, 10, 10, 0.9, 200, 5));
    }

    [Fact]
    public void A_sample_that_leaves_no_case_to_test_on_is_refused()
    {
        AuditCase[] cases = [new("t", true, 0.9, true), new("n", false, 0.1, false), new("n2", false, 0.2, false)];

        var e = Assert.Throws<ArgumentException>(() => SiteCalibrationSimulation.Run(cases, 1, 1, 0.9, 10, 1));
        Assert.Contains("must leave cases of both classes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5, 2.5)]
    [InlineData(0.025, 1.075)]
    [InlineData(0.975, 3.925)]
    public void Quantiles_interpolate_between_order_statistics(double q, double expected) =>
        Assert.Equal(expected, SiteCalibrationSimulation.Quantile([1, 2, 3, 4], q), 10);
}
