namespace TbScreen.Inference.Metrics;

/// <summary>
/// Percentile bootstrap CI that resamples positives and negatives separately (stratified), so every replicate
/// keeps the class counts and its AUC is always defined. Seeded: the same seed gives the same interval.
/// </summary>
public static class BootstrapCi
{
    public static (double Low, double High)? Auc(ScoredCases cases, int replicates = 2000, int seed = 12345, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return Of(cases, c => DeLong.Auc(c) ?? double.NaN, replicates, seed, level);
    }

    /// <summary>Any statistic of the cases; null when the data hold a single class.</summary>
    public static (double Low, double High)? Of(ScoredCases cases, Func<ScoredCases, double> statistic, int replicates = 2000, int seed = 12345, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(statistic);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 10);
        if (level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Level must be in (0, 1).");
        }

        if (cases.SingleClassReason is not null)
        {
            return null;
        }

        var random = new Random(seed);
        int m = cases.Positives.Length;
        int n = cases.Negatives.Length;
        var scores = new double[m + n];
        var labels = new bool[m + n];
        var values = new List<double>(replicates);
        for (int b = 0; b < replicates; b++)
        {
            for (int i = 0; i < m; i++)
            {
                scores[i] = cases.Positives[random.Next(m)];
                labels[i] = true;
            }

            for (int j = 0; j < n; j++)
            {
                scores[m + j] = cases.Negatives[random.Next(n)];
                labels[m + j] = false;
            }

            double value = statistic(new ScoredCases(scores, labels));
            if (double.IsFinite(value))
            {
                values.Add(value);
            }
        }

        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        double alpha = (1 - level) / 2;
        return (Quantile(values, alpha), Quantile(values, 1 - alpha));
    }

    /// <summary>Linear interpolation between order statistics (type 7, R's default).</summary>
    internal static double Quantile(List<double> sorted, double p) => Quantiles.OfSorted(sorted, p);
}
