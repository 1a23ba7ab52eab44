using TbScreen.Inference.OutOfDistribution;

namespace TbScreen.Inference.Tests.OutOfDistribution;

/// <summary>The PCA-Mahalanobis distance against hand computations on 2-D and 3-D clouds.</summary>
public class OodFitterTests
{
    private static readonly OodFeatureSource Source = new() { OnnxSha256 = new string('a', 64), FeaturesOutput = "features" };

    private static float[] P(params double[] x) => [.. x.Select(v => (float)v)];

    /// <summary>
    /// Corners (0,0), (2,0), (0,4), (2,4): mean (1,2); sample variances (divisor 3) 4/3 along x and 16/3 along y, no
    /// covariance. With k = 1 the kept direction is y (λ = 16/3); every training residual is (x − 1)² = 1, so ρ = 1.
    /// </summary>
    [Theory]
    [InlineData(1, 6, 1.7320508075688772)] // z = 4 along y: 16 / (16/3) = 3, no residual: √3
    [InlineData(4, 2, 3.0)]                 // z = 0, residual 3² / ρ = 9: 3
    [InlineData(3, 4, 2.1794494717703367)] // z = 2: 4 / (16/3) = 0.75, residual 2² = 4: √4.75
    public void Axis_aligned_cloud_with_one_component_matches_the_hand_computation(double x, double y, double expected)
    {
        var model = OodFitter.Fit([P(0, 0), P(2, 0), P(0, 4), P(2, 4)], [P(1, 2)], components: 1, quantile: 0.5, Source);

        Assert.Equal(1, model.Components);
        Assert.Equal([1.0, 2.0], model.Mean);
        Assert.Equal(16.0 / 3, model.Variances[0], 12);
        Assert.Equal(1.0, model.ResidualScale, 12);
        Assert.Equal(1.0, Math.Abs(model.Directions[0][1]), 12);
        Assert.Equal(expected, new OodDetector(model).Distance(P(x, y)), 6);
    }

    /// <summary>
    /// Points a·u + b·w with u = (1,1)/√2, w = (1,−1)/√2 and (a, b) = (±2, ±1): mean 0, variance 16/3 along u and
    /// 4/3 along w (divisor 3). The solver must find the rotated axes.
    /// </summary>
    [Fact]
    public void Rotated_cloud_finds_the_principal_axes()
    {
        double r = Math.Sqrt(0.5);
        float[] At(double a, double b) => P((a + b) * r, (a - b) * r);
        float[][] train = [At(2, 1), At(2, -1), At(-2, 1), At(-2, -1)];

        var one = new OodDetector(OodFitter.Fit(train, [At(0, 0)], 1, 0.5, Source));
        var two = new OodDetector(OodFitter.Fit(train, [At(0, 0)], 2, 0.5, Source));

        // The points are float32 (features are), so irrational coordinates carry ~1e-7 relative rounding.
        Assert.Equal(16.0 / 3, one.Model.Variances[0], 5);
        Assert.Equal(r, Math.Abs(one.Model.Directions[0][0]), 6);
        Assert.Equal(Math.Sqrt(9 * 3 / 16.0), one.Distance(At(3, 0)), 5);   // 9 / (16/3) = 27/16
        Assert.Equal(2.0, one.Distance(At(0, 2)), 5);                       // residual 4, ρ = mean b² = 1
        Assert.Equal(Math.Sqrt(3.0), two.Distance(At(0, 2)), 5);            // 4 / (4/3) = 3
        Assert.Equal(Math.Sqrt(27 / 16.0 + 3), two.Distance(At(3, 2)), 5);
    }

    /// <summary>3-D: variance only in the x-y plane; the residual along z is measured in units of the training residual.</summary>
    [Fact]
    public void Three_d_cloud_with_two_components_and_a_residual_axis()
    {
        float[][] train = [P(3, 0, 0), P(-3, 0, 0), P(0, 2, 0), P(0, -2, 0), P(0, 0, 1), P(0, 0, -1)];
        // Divisor 5: var x = 18/5, var y = 8/5, var z = 2/5, no covariances. k = 2 keeps x and y; residual z², ρ = 2/6 = 1/3.
        var detector = new OodDetector(OodFitter.Fit(train, [P(0, 0, 0)], 2, 0.5, Source));

        Assert.Equal(18.0 / 5, detector.Model.Variances[0], 10);
        Assert.Equal(8.0 / 5, detector.Model.Variances[1], 10);
        Assert.Equal(1.0 / 3, detector.Model.ResidualScale, 10);
        // (3, 2, 1): 9/(18/5) + 4/(8/5) + 1/(1/3) = 2.5 + 2.5 + 3 = 8.
        Assert.Equal(Math.Sqrt(8), detector.Distance(P(3, 2, 1)), 5);
    }

    [Fact]
    public void Eigen_solver_matches_a_known_3x3()
    {
        // [[2,1,0],[1,2,0],[0,0,5]]: eigenvalues 5, 3, 1 with vectors e3, (1,1,0)/√2, (1,−1,0)/√2.
        var (values, vectors) = SymmetricEigen.Decompose([[2, 1, 0], [1, 2, 0], [0, 0, 5]]);

        Assert.Equal(5, values[0], 12);
        Assert.Equal(3, values[1], 12);
        Assert.Equal(1, values[2], 12);
        Assert.Equal(1, Math.Abs(vectors[0][2]), 12);
        Assert.Equal(Math.Sqrt(0.5), Math.Abs(vectors[1][0]), 12);
        Assert.Equal(vectors[2][0], -vectors[2][1], 12);
    }

    [Fact]
    public void Eigen_solver_reconstructs_a_random_40x40_symmetric_matrix()
    {
        var random = new Random(17);
        const int n = 40;
        var a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i][j] = a[j][i] = random.NextDouble() - 0.5;

        var (values, vectors) = SymmetricEigen.Decompose(a);

        for (int k = 0; k < n; k++)
        {
            Assert.True(k == 0 || values[k] <= values[k - 1], "descending");
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i][j] * vectors[k][j];
                Assert.Equal(values[k] * vectors[k][i], av, 10); // A v = λ v
            }

            Assert.Equal(1.0, vectors[k].Sum(x => x * x), 10);
        }

        Assert.Equal(Enumerable.Range(0, n).Sum(i => a[i][i]), values.Sum(), 9); // trace
    }

    [Theory]
    [InlineData(0.5, 2.5)]   // (4 − 1)·0.5 = 1.5: halfway between 2 and 3
    [InlineData(0.99, 3.97)] // 2.97: 3 + 0.97·(4 − 3)
    [InlineData(0.25, 1.75)]
    public void Quantile_interpolates_between_order_statistics(double q, double expected) =>
        Assert.Equal(expected, OodFitter.Quantile([4, 1, 3, 2], q), 12);

    [Fact]
    public void Threshold_is_the_chosen_quantile_of_validation_distances()
    {
        // One component along y (x constant): distance = |y − 0| / sd with var y = (1+1)/1 = 2 for train (−1, 1).
        float[][] train = [P(0, -1), P(0, 1)];
        float[][] validation = [.. Enumerable.Range(0, 101).Select(i => P(0, i * Math.Sqrt(2)))]; // distances 0, 1, ..., 100

        var model = OodFitter.Fit(train, validation, 1, 0.99, Source);

        Assert.Equal(99.0, model.Threshold, 4); // (101 − 1)·0.99 = 99: the 100th smallest distance (float inputs: 1e-7 relative)
        Assert.Equal(101, model.ValidationCount);
        Assert.Equal(2, model.FitCount);
        Assert.Equal(0.5, new OodDetector(model).Score(P(0, 49.5 * Math.Sqrt(2))), 6);
    }

    [Fact]
    public void Components_are_capped_by_the_fit_count()
    {
        var model = OodFitter.Fit([P(0, 0, 0), P(1, 2, 3), P(2, 0, 1)], [P(0, 0, 0)], components: 48, quantile: 0.99, Source);
        Assert.Equal(2, model.Components); // N − 1 = 2 directions carry variance
    }
}
