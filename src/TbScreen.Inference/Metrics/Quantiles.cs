namespace TbScreen.Inference.Metrics;

/// <summary>One quantile rule for every report: linear interpolation between order statistics (Hyndman &amp; Fan type 7, R's and numpy's default).</summary>
public static class Quantiles
{
    /// <summary>The q-quantile of values already sorted ascending (non-empty).</summary>
    public static double OfSorted(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(sorted));
        }

        double position = (sorted.Count - 1) * q;
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
