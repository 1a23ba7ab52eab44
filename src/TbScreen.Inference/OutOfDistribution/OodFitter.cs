using TbScreen.Inference.Metrics;
namespace TbScreen.Inference.OutOfDistribution;

/// <summary>Fits an <see cref="OodModel"/>: PCA on training features, threshold from validation distances.</summary>
public static class OodFitter
{
    public const int DefaultComponents = 48;
    public const double DefaultQuantile = 0.99;

    /// <summary>
    /// Mean and covariance (divisor N − 1) of <paramref name="train"/>, its top <paramref name="components"/> eigenpairs
    /// (fewer when D or N − 1 is smaller), ρ the mean training residual outside them, then the threshold = the
    /// <paramref name="quantile"/> of the distances of <paramref name="validation"/> (linear interpolation).
    /// </summary>
    public static OodModel Fit(IReadOnlyList<float[]> train, IReadOnlyList<float[]> validation, int components, double quantile, OodFeatureSource source)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(source);
        if (train.Count < 2) throw new ArgumentException($"need at least 2 training feature vectors, got {train.Count}", nameof(train));
        if (validation.Count < 1) throw new ArgumentException("need at least 1 validation feature vector", nameof(validation));
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "at least one component");
        if (!(quantile > 0 && quantile < 1)) throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "the quantile must lie in (0, 1)");
        int d = train[0].Length;
        if (train.Concat(validation).Any(f => f.Length != d)) throw new ArgumentException($"all feature vectors must have {d} values");

        double[] mean = Mean(train, d);
        var (values, vectors) = SymmetricEigen.Decompose(Covariance(train, mean));
        int k = Math.Min(components, Math.Min(d, train.Count - 1));
        // A direction with (numerically) no training variance would divide by ~0: floor relative to the largest.
        double floor = Math.Max(values[0], double.Epsilon) * 1e-9;
        double[] variances = [.. values.Take(k).Select(v => Math.Max(v, floor))];
        double[][] directions = [.. vectors.Take(k)];

        var partial = new OodModel
        {
            FeatureDimension = d, FitCount = train.Count, ValidationCount = validation.Count, Components = k, Quantile = quantile,
            Mean = mean, Directions = directions, Variances = variances, ResidualScale = 1, Threshold = 1, Source = source,
        };
        // ρ: mean squared residual of the training features (the distance with unit scale and no subspace term).
        var residualOnly = new OodDetector(partial with { Directions = directions, Variances = [.. variances.Select(_ => double.PositiveInfinity)] });
        double rho = train.Average(f => Math.Pow(residualOnly.Distance(f), 2));
        // k = D leaves no residual: any positive scale gives the same (zero) term.
        double residualScale = rho > floor ? rho : Math.Max(floor, double.Epsilon);

        var withScale = partial with { ResidualScale = residualScale };
        var detector = new OodDetector(withScale);
        double threshold = Quantile([.. validation.Select(f => detector.Distance(f))], quantile);
        return withScale with { Threshold = Math.Max(threshold, double.Epsilon) };
    }

    /// <summary>The q-quantile with linear interpolation between order statistics (Hyndman &amp; Fan type 7, numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Quantiles.OfSorted([.. values.Order()], q);
    }

    private static double[] Mean(IReadOnlyList<float[]> rows, int d)
    {
        var mean = new double[d];
        foreach (var row in rows)
        {
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }

        for (int j = 0; j < d; j++) mean[j] /= rows.Count;
        return mean;
    }

    private static double[][] Covariance(IReadOnlyList<float[]> rows, double[] mean)
    {
        int d = mean.Length;
        var cov = Enumerable.Range(0, d).Select(_ => new double[d]).ToArray();
        var centred = new double[d];
        foreach (var row in rows)
        {
            for (int j = 0; j < d; j++) centred[j] = row[j] - mean[j];
            for (int a = 0; a < d; a++)
            {
                double ca = centred[a];
                if (ca == 0) continue;
                var line = cov[a];
                for (int b = a; b < d; b++) line[b] += ca * centred[b];
            }
        }

        for (int a = 0; a < d; a++)
        {
            for (int b = a; b < d; b++)
            {
                cov[a][b] /= rows.Count - 1;
                cov[b][a] = cov[a][b];
            }
        }

        return cov;
    }
}
