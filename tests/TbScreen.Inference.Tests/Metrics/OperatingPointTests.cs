using TbScreen.Inference.Metrics;

namespace TbScreen.Inference.Tests.Metrics;

public class OperatingPointTests
{
    // 4 positives {0.9, 0.8, 0.6, 0.3}, 4 negatives {0.7, 0.4, 0.2, 0.1}.
    private static readonly ScoredCases Cases = new([0.9, 0.8, 0.6, 0.3, 0.7, 0.4, 0.2, 0.1], [true, true, true, true, false, false, false, false]);

    [Fact]
    public void Confusion_matrix_and_rates_at_a_threshold_match_hand_counts()
    {
        // >= 0.6 called TB: TP {0.9,0.8,0.6} = 3, FN {0.3} = 1, FP {0.7} = 1, TN 3.
        var matrix = ConfusionMatrix.At(Cases, 0.6);

        Assert.Equal(new ConfusionMatrix(3, 1, 3, 1), matrix);
        Assert.Equal(0.75, matrix.Sensitivity);
        Assert.Equal(0.75, matrix.Specificity);
        Assert.Equal(0.75, matrix.Ppv);
        Assert.Equal(0.75, matrix.Npv);
        Assert.Equal(0.75, matrix.Accuracy);
    }

    [Fact]
    public void Undefined_ratios_are_null_not_nan()
    {
        var matrix = ConfusionMatrix.At(new ScoredCases([0.1, 0.2], [false, false]), 0.5);

        Assert.Null(matrix.Sensitivity);
        Assert.Null(matrix.Ppv);
        Assert.Equal(1.0, matrix.Specificity);
    }

    [Fact]
    public void Youden_picks_the_threshold_maximising_sensitivity_plus_specificity()
    {
        // Candidates (sens, spec): 0.9 (.25,1) 0.8 (.5,1) 0.7 (.5,.75) 0.6 (.75,.75) 0.4 (.75,.5) 0.3 (1,.5) ...
        // J: .25 .5 .25 .5 .25 .5 -> ties at 0.8, 0.6 and 0.3; the highest threshold wins.
        var point = ThresholdSelection.Youden(Cases)!;

        Assert.Equal(0.8, point.Threshold);
        Assert.Equal(0.5, point.Sensitivity);
        Assert.Equal(1.0, point.Specificity);
    }

    [Fact]
    public void Sensitivity_target_picks_the_highest_threshold_that_reaches_it()
    {
        // Sensitivity reaches 1.0 >= 0.90 first at 0.3 (0.6 gives only 0.75).
        var point = ThresholdSelection.ForSensitivity(Cases)!;

        Assert.Equal(0.3, point.Threshold);
        Assert.Equal(1.0, point.Sensitivity);
        Assert.Equal(0.5, point.Specificity);
        Assert.Equal(0.6, ThresholdSelection.ForSensitivity(Cases, 0.75)!.Threshold);
    }

    [Fact]
    public void Thresholds_are_null_for_a_single_class()
    {
        var single = new ScoredCases([0.3, 0.4], [true, true]);
        Assert.Null(ThresholdSelection.Youden(single));
        Assert.Null(ThresholdSelection.ForSensitivity(single));
    }

    [Fact]
    public void Roc_points_run_from_origin_to_one_one_and_their_area_is_the_auc()
    {
        var random = new Random(3);
        var scores = Enumerable.Range(0, 200).Select(_ => Math.Round(random.NextDouble(), 1)).ToArray();
        var labels = scores.Select(s => random.NextDouble() < s).ToArray();
        var cases = new ScoredCases(scores, labels);

        var points = RocCurve.Points(cases);

        Assert.Equal((0.0, 0.0), (points[0].FalsePositiveRate, points[0].TruePositiveRate));
        Assert.Equal((1.0, 1.0), (points[^1].FalsePositiveRate, points[^1].TruePositiveRate));
        Assert.Equal(DeLong.Auc(cases)!.Value, RocCurve.Area(points), 12);
        Assert.Empty(RocCurve.Points(new ScoredCases([0.5], [true])));
    }

    [Fact]
    public void Mismatched_lengths_and_non_finite_scores_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ScoredCases([0.1], [true, false]));
        Assert.Throws<ArgumentException>(() => new ScoredCases([double.NaN], [true]));
    }
}
