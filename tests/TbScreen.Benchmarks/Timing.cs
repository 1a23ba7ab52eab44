using System.Diagnostics;

/// <summary>Wall-clock timing and quantiles shared by the model benchmarks (pruning, quantization).</summary>
internal static class Timing
{
    public static double Milliseconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Linear interpolation between order statistics (numpy's default).</summary>
    public static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position), high = (int)Math.Ceiling(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
