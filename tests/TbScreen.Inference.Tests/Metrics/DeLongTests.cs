using TbScreen.Inference.Metrics;

namespace TbScreen.Inference.Tests.Metrics;

public class DeLongTests
{
    /// <summary>
    /// Positives X = {0.8, 0.6, 0.4}, negatives Y = {0.5, 0.3}. Kernel psi(X_i, Y_j):
    ///   0.8: 1 1 | 0.6: 1 1 | 0.4: 0 1  -> AUC = 5/6.
    /// V10 = {1, 1, 1/2}, S10 = [(1/6)^2 + (1/6)^2 + (1/3)^2] / 2 = 1/12.
    /// V01 = {2/3, 1},    S01 = [(1/6)^2 + (1/6)^2] / 1 = 1/18.
    /// Var = S10/m + S01/n = (1/12)/3 + (1/18)/2 = 1/36 + 1/36 = 1/18.
    /// </summary>
    [Fact]
    public void Tiny_example_matches_hand_computed_auc_and_variance()
    {
        var cases = new ScoredCases([0.8, 0.6, 0.4, 0.5, 0.3], [true, true, true, false, false]);

        var estimate = DeLong.Estimate(cases);

        Assert.Equal(5.0 / 6, estimate.Auc!.Value, 12);
        Assert.Equal(1.0 / 18, estimate.Variance!.Value, 12);
        Assert.Equal(5.0 / 6 - DeLong.Z95 * Math.Sqrt(1.0 / 18), estimate.CiLow!.Value, 12);
        Assert.Equal(1.0, estimate.CiHigh!.Value, 12); // 0.833 + 0.462 clipped to 1
    }

    /// <summary>
    /// Hanley &amp; McNeil (1982) CT ratings, 58 normal and 51 abnormal on a 1-5 scale; the example in Stata's
    /// [R] roctab manual reports ROC area 0.8932, Std. Err. 0.0307, 95% CI 0.83295 to 0.95339 (DeLong, heavy ties).
    /// </summary>
    [Fact]
    public void Hanley_McNeil_ratings_match_the_published_roctab_example()
    {
        int[] normalCounts = [33, 6, 6, 11, 2];
        int[] abnormalCounts = [3, 2, 2, 11, 33];
        var scores = new List<double>();
        var labels = new List<bool>();
        for (int rating = 1; rating <= 5; rating++)
        {
            scores.AddRange(Enumerable.Repeat((double)rating, normalCounts[rating - 1]));
            labels.AddRange(Enumerable.Repeat(false, normalCounts[rating - 1]));
            scores.AddRange(Enumerable.Repeat((double)rating, abnormalCounts[rating - 1]));
            labels.AddRange(Enumerable.Repeat(true, abnormalCounts[rating - 1]));
        }

        var estimate = DeLong.Estimate(new ScoredCases(scores, labels));

        Assert.Equal(0.8932, estimate.Auc!.Value, 4);
        Assert.Equal(0.0307, estimate.StandardError!.Value, 4);
        Assert.Equal(0.83295, estimate.CiLow!.Value, 5);
        Assert.Equal(0.95339, estimate.CiHigh!.Value, 5);
    }

    [Fact]
    public void Ties_count_one_half()
    {
        // psi: 0.5 vs {0.5, 0.3} = 1/2 + 1; 0.7 vs both = 1 + 1 -> 3.5 / 4.
        var cases = new ScoredCases([0.5, 0.7, 0.5, 0.3], [true, true, false, false]);
        Assert.Equal(0.875, DeLong.Auc(cases)!.Value, 12);
    }

    [Fact]
    public void Rank_based_components_equal_the_kernel_definition_on_random_tied_data()
    {
        var random = new Random(7);
        double[] positives = Enumerable.Range(0, 40).Select(_ => Math.Round(random.NextDouble() * 10) / 10 + 0.1).ToArray();
        double[] negatives = Enumerable.Range(0, 55).Select(_ => Math.Round(random.NextDouble() * 10) / 10).ToArray();

        var (v10, v01) = DeLong.Components(positives, negatives);

        static double Psi(double x, double y) => x > y ? 1 : x == y ? 0.5 : 0;
        for (int i = 0; i < positives.Length; i++)
        {
            Assert.Equal(negatives.Average(y => Psi(positives[i], y)), v10[i], 12);
        }

        for (int j = 0; j < negatives.Length; j++)
        {
            Assert.Equal(positives.Average(x => Psi(x, negatives[j])), v01[j], 12);
        }
    }

    [Theory]
    [InlineData(new[] { true, true }, "no negative")]
    [InlineData(new[] { false, false }, "no positive")]
    public void Single_class_gives_null_auc_with_a_reason(bool[] labels, string reason)
    {
        var estimate = DeLong.Estimate(new ScoredCases([0.2, 0.9], labels));

        Assert.Null(estimate.Auc);
        Assert.Null(estimate.CiLow);
        Assert.Contains(reason, estimate.Reason);
    }

    [Fact]
    public void Perfect_separation_has_zero_variance()
    {
        var estimate = DeLong.Estimate(new ScoredCases([0.9, 0.8, 0.2, 0.1], [true, true, false, false]));
        Assert.Equal(1.0, estimate.Auc);
        Assert.Equal(0.0, estimate.Variance);
    }

    [Fact]
    public void Comparing_a_score_with_itself_gives_no_difference()
    {
        double[] scores = [0.8, 0.6, 0.4, 0.5, 0.3];
        bool[] labels = [true, true, true, false, false];

        var comparison = DeLong.Compare(scores, scores, labels);

        Assert.Equal(0, comparison.Difference);
        Assert.Equal(1, comparison.PValue);
    }

    /// <summary>
    /// A = the tiny example (AUC 5/6), B = the same with 0.4 raised to 0.55 (AUC 1). Components:
    /// A: V10 = {1,1,1/2}, V01 = {2/3, 1}; B: V10 = {1,1,1}, V01 = {1,1}. B's components are constant, so every
    /// term with B vanishes and Var(A - B) = Var(A) = 1/18; z = (5/6 - 1)/sqrt(1/18) = -0.7071.
    /// </summary>
    [Fact]
    public void Paired_comparison_matches_hand_values()
    {
        bool[] labels = [true, true, true, false, false];

        var comparison = DeLong.Compare([0.8, 0.6, 0.4, 0.5, 0.3], [0.8, 0.6, 0.55, 0.5, 0.3], labels);

        Assert.Equal(-1.0 / 6, comparison.Difference, 12);
        Assert.Equal(1.0 / 18, comparison.Variance, 12);
        Assert.Equal(-0.70710678, comparison.Z, 6);
        Assert.Equal(0.4795, comparison.PValue, 3); // 2 * P(Z > 0.7071)
    }
}
