namespace TbScreen.Onnx.Quantization;

/// <summary>How an activation's range is chosen from the calibration data.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen.</summary>
    MinMax,

    /// <summary>ONNX Runtime's PercentileCalibrater (non-symmetric): cut (100 - p) / 2 % of the histogram on each side.</summary>
    Percentile,

    /// <summary>ONNX Runtime's EntropyCalibrater: the symmetric window whose 128-level quantisation has the least KL divergence.</summary>
    Entropy,
}

/// <summary>
/// Collects one tensor's values over the calibration images and chooses its range as ONNX Runtime's calibrate.py does
/// (HistogramCollector.collect_value, compute_percentile, get_entropy_threshold with smooth_distribution eps 1e-4).
/// The histogram spans [-T, T] (T the largest |value| of the first batch) in <see cref="Bins"/> bins; a later larger
/// value widens the bins by a power of two so that old bins merge exactly (ONNX Runtime's merge_histogram re-bins by
/// interpolation instead). ONNX Runtime's EntropyCalibrater defaults to 128 bins, which leaves a single candidate (the
/// full range); we use 2048 bins and 128 quantised levels, the TensorRT setting the algorithm comes from.
/// </summary>
public sealed class RangeCollector
{
    private readonly CalibrationMethod method;
    private long[]? histogram;
    private double half; // T: the histogram spans [-T, T]
    private double stride;

    public RangeCollector(CalibrationMethod method, int bins = 2048, double percentile = 99.99, int quantizedBins = 128)
    {
        if (bins < 2 || bins % 2 != 0) throw new ArgumentOutOfRangeException(nameof(bins), "bins must be even and at least 2");
        if (percentile is <= 50 or > 100) throw new ArgumentOutOfRangeException(nameof(percentile), "percentile must be in (50, 100]");
        if (quantizedBins < 2 || quantizedBins > bins) throw new ArgumentOutOfRangeException(nameof(quantizedBins));
        this.method = method;
        Bins = bins;
        Percentile = percentile;
        QuantizedBins = quantizedBins;
    }

    public int Bins { get; }

    public double Percentile { get; }

    public int QuantizedBins { get; }

    public float Min { get; private set; } = float.PositiveInfinity;

    public float Max { get; private set; } = float.NegativeInfinity;

    public long Count { get; private set; }

    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
            if (float.IsNaN(v) || float.IsInfinity(v)) throw new ArgumentException("Calibration produced a NaN or infinite activation.");
            if (v < min) min = v;
            if (v > max) max = v;
        }

        Min = Math.Min(Min, min);
        Max = Math.Max(Max, max);
        Count += values.Length;
        if (method == CalibrationMethod.MinMax) return;

        double absMax = Math.Max(Math.Abs((double)min), Math.Abs((double)max));
        if (histogram is null)
        {
            half = absMax > 0 ? absMax : 1e-6;
            stride = 2 * half / Bins;
            histogram = new long[Bins];
        }
        else if (absMax > half)
        {
            Widen(absMax);
        }

        int last = histogram.Length - 1;
        foreach (float v in values)
        {
            int bin = (int)((v + half) / stride);
            histogram[Math.Clamp(bin, 0, last)]++;
        }
    }

    /// <summary>
    /// Doubles the bin width until [-T, T] covers <paramref name="absMax"/>, keeping <see cref="Bins"/> bins. Zero is an edge
    /// of both grids and the new width is a power-of-two multiple of the old, so every old bin falls inside one new bin.
    /// </summary>
    private void Widen(double absMax)
    {
        int factor = 1;
        while (half * factor < absMax) factor *= 2;
        double newHalf = half * factor, newStride = stride * factor;
        var merged = new long[Bins];
        for (int j = 0; j < histogram!.Length; j++)
        {
            if (histogram[j] == 0) continue;
            double left = -half + j * stride;
            int k = (int)Math.Floor((left + newHalf) / newStride + 1e-9);
            merged[Math.Clamp(k, 0, Bins - 1)] += histogram[j];
        }

        histogram = merged;
        half = newHalf;
        stride = newStride;
    }

    /// <summary>The chosen [min, max] (before the quantiser widens it to include 0).</summary>
    public (float Min, float Max) Range()
    {
        if (Count == 0) throw new InvalidOperationException("No calibration values were collected.");
        var (lo, hi) = method switch
        {
            CalibrationMethod.MinMax => (Min, Max),
            CalibrationMethod.Percentile => PercentileRange(),
            CalibrationMethod.Entropy => EntropyRange(),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };

        // ORT clamps histogram thresholds to the values actually seen.
        return (Math.Max(lo, Min), Math.Min(hi, Max));
    }

    private float Edge(int index) => (float)(-half + index * stride);

    private (float, float) PercentileRange()
    {
        var hist = histogram!;
        double cut = (100.0 - Percentile) / 200.0;
        int left = SearchSorted(hist, cut), right = SearchSorted(hist, 1.0 - cut);
        return (Edge(left), Edge(right));
    }

    /// <summary>numpy.searchsorted(cumsum(hist / total), target): the first bin whose cumulative share reaches it.</summary>
    private static int SearchSorted(long[] hist, double target)
    {
        double total = hist.Sum(), cumulative = 0;
        for (int i = 0; i < hist.Length; i++)
        {
            cumulative += hist[i] / total;
            if (cumulative >= target) return i;
        }

        return hist.Length - 1;
    }

    private (float, float) EntropyRange()
    {
        var (start, end) = EntropyWindow(histogram!, QuantizedBins);
        return (Edge(start), Edge(end));
    }

    /// <summary>
    /// get_entropy_threshold's choice: the bin window [start, end) symmetric about the zero bin with the least KL
    /// divergence, the first on ties. Each divergence is rounded to float32 before comparing, as ONNX Runtime stores it
    /// in the histogram's dtype.
    /// </summary>
    internal static (int Start, int End) EntropyWindow(long[] hist, int quantizedBins)
    {
        int bins = hist.Length, zero = bins / 2, halfQuantized = quantizedBins / 2;
        float best = float.PositiveInfinity;
        (int, int) window = (zero - halfQuantized, Math.Min(zero + halfQuantized + 1, bins)); // numpy.argmin of all-infinite picks the first
        for (int i = halfQuantized; i <= zero; i++)
        {
            int start = zero - i, end = Math.Min(zero + i + 1, bins);
            float kl = (float)Divergence(hist, start, end, quantizedBins);
            if (kl < best)
            {
                best = kl;
                window = (start, end);
            }
        }

        return window;
    }

    /// <summary>KL(p || q) of one candidate window, as get_entropy_threshold computes it (integer q as in its int64 arrays).</summary>
    internal static double Divergence(long[] hist, int start, int end, int quantizedBins)
    {
        int size = end - start;
        var p = new double[size];
        for (int k = 0; k < size; k++) p[k] = hist[start + k];
        long leftOutliers = 0, rightOutliers = 0;
        for (int k = 0; k < start; k++) leftOutliers += hist[k];
        for (int k = end; k < hist.Length; k++) rightOutliers += hist[k];
        p[0] += leftOutliers;
        p[^1] += rightOutliers;

        int merged = size / quantizedBins;
        var quantized = new long[quantizedBins];
        for (int b = 0; b < quantizedBins; b++)
        {
            for (int k = b * merged; k < (b + 1) * merged; k++) quantized[b] += hist[start + k];
        }

        for (int k = quantizedBins * merged; k < size; k++) quantized[^1] += hist[start + k];

        var q = new double[size];
        for (int b = 0; b < quantizedBins; b++)
        {
            int from = b * merged, to = from + merged, nonZero = 0;
            for (int k = from; k < to; k++) if (p[k] != 0) nonZero++;
            if (nonZero == 0) continue;
            long share = quantized[b] / nonZero; // int64 assignment truncates
            for (int k = from; k < to; k++) q[k] = share;
        }

        if (!Smooth(p) || !Smooth(q)) return double.PositiveInfinity;
        double sumP = p.Sum(), sumQ = q.Sum(), kl = 0;
        for (int k = 0; k < size; k++)
        {
            double pk = p[k] / sumP;
            if (pk > 0) kl += pk * Math.Log(pk / (q[k] / sumQ));
        }

        return kl;
    }

    /// <summary>quant_utils.smooth_distribution: move eps mass onto zero bins; false when all bins are zero.</summary>
    private static bool Smooth(double[] values, double eps = 1e-4)
    {
        int zeros = values.Count(v => v == 0), nonZeros = values.Length - zeros;
        if (nonZeros == 0) return false;
        double eps1 = eps * zeros / nonZeros;
        for (int k = 0; k < values.Length; k++) values[k] += values[k] == 0 ? eps : -eps1;
        return values.All(v => v > 0);
    }
}
