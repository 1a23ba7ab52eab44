using TbScreen.Inference.Metrics;
namespace TbScreen.Training.Robustness;

/// <summary>Percentile bootstrap of a mean over images; seeded, so a rerun gives the same interval.</summary>
public static class Bootstrap
{
    public static double[] MeanCi(IReadOnlyList<double> values, int replicates, int seed, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        var random = new Random(seed);
        var means = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            double sum = 0;
            for (int i = 0; i < values.Count; i++)
            {
                sum += values[random.Next(values.Count)];
            }

            means[r] = sum / values.Count;
        }

        Array.Sort(means);
        double tail = (1 - level) / 2;
        return [Quantile(means, tail), Quantile(means, 1 - tail)];
    }

    public static double Quantile(double[] sorted, double q) => Quantiles.OfSorted(sorted, q);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : Quantile(sorted, 0.5);
    }
}
