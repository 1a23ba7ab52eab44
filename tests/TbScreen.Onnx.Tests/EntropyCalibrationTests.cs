using TbScreen.Onnx.Quantization;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// The entropy (KL) window against an independent reference: ONNX Runtime's get_entropy_threshold algorithm run with
/// numpy 1.24 and scipy 1.10 (scipy.stats.entropy) on the same integer histograms, in float32 as ONNX Runtime computes
/// it and in float64; both gave the windows asserted here (docs/quantization.md, "Which range method").
/// </summary>
public class EntropyCalibrationTests
{
    /// <summary>A ReLU output: a spike at zero, a geometric tail (integer decay 0.985 per bin) and two far outliers.</summary>
    private static long[] ReluLike()
    {
        var h = new long[2048];
        h[1024] = 500000;
        long v = 200000;
        for (int k = 1025; k < 2048; k++)
        {
            h[k] = v;
            v = v * 985 / 1000;
        }

        h[2040] += 5;
        h[1900] += 2;
        return h;
    }

    /// <summary>A two-sided activation (the normalised input): decay 0.99 per bin each way, heavier on the right.</summary>
    private static long[] TwoSided()
    {
        var h = new long[2048];
        long v = 300000;
        for (int d = 0; d < 1024; d++)
        {
            h[1024 + d] += v;
            h[1023 - d] += v * 2 / 3;
            v = v * 990 / 1000;
        }

        h[5] += 4;
        h[2047] += 1;
        return h;
    }

    [Fact]
    public void The_kl_window_of_a_relu_histogram_matches_the_numpy_scipy_reference()
    {
        Assert.Equal((448, 1601), RangeCollector.EntropyWindow(ReluLike(), 128));
    }

    [Fact]
    public void The_kl_window_of_a_two_sided_histogram_matches_the_numpy_scipy_reference()
    {
        Assert.Equal((192, 1857), RangeCollector.EntropyWindow(TwoSided(), 128));
    }

    [Fact]
    public void With_as_many_bins_as_levels_the_only_window_is_the_whole_histogram()
    {
        // ONNX Runtime's EntropyCalibrater default (128 bins, 128 levels) has one candidate, so entropy equals the
        // histogram's full span there; that is why TbScreen's default is 2048 bins.
        var h = new long[128];
        for (int k = 64; k < 128; k++) h[k] = 1000 - k;
        Assert.Equal((0, 128), RangeCollector.EntropyWindow(h, 128));
    }
}
