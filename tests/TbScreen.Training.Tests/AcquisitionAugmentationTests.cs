using TbScreen.Training.Augmentation;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

public sealed class AcquisitionAugmentationTests
{
    private const int Size = 16;

    private static float[] Ramp() => Enumerable.Range(0, Size * Size).Select(i => (float)i / (Size * Size - 1)).ToArray();

    [Fact]
    public void WindowMapsItsEndsToBlackAndWhite()
    {
        float[] x = [0f, 0.1f, 0.2f, 0.5f, 0.8f, 0.9f, 1f];
        float[] y = AcquisitionTransforms.Window(x, 0.2f, 0.8f);
        Assert.Equal(new[] { 0f, 0f, 0f, 0.5f, 1f, 1f, 1f }, y.Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Throws<ArgumentException>(() => AcquisitionTransforms.Window(x, 0.5f, 0.5f));
    }

    [Fact]
    public void BlurAndDownUpKeepAFlatImageFlat()
    {
        float[] flat = Enumerable.Repeat(0.3f, Size * Size).ToArray();
        Assert.All(AcquisitionTransforms.Blur(flat, Size, 1.2), v => Assert.Equal(0.3f, v, 5));
        Assert.All(AcquisitionTransforms.DownUp(flat, Size, 0.5), v => Assert.Equal(0.3f, v, 5));
        Assert.All(AcquisitionTransforms.Sharpen(flat, Size, 1.0, 0.8f), v => Assert.Equal(0.3f, v, 5));
    }

    [Fact]
    public void BlurSpreadsAnImpulseByTheGaussianWeights()
    {
        var impulse = new float[Size * Size];
        impulse[8 * Size + 8] = 1f;
        float[] y = AcquisitionTransforms.Blur(impulse, Size, 1.0);
        // Separable kernel of radius 3: centre weight 1 / sum(exp(-d^2/2), d = -3..3), squared for 2-D.
        double sum = Enumerable.Range(-3, 7).Sum(d => Math.Exp(-d * d / 2.0));
        Assert.Equal(1 / (sum * sum), y[8 * Size + 8], 5);
        Assert.Equal(Math.Exp(-0.5) / (sum * sum), y[8 * Size + 9], 5);
        Assert.Equal(1.0, y.Sum(v => (double)v), 4);
    }

    [Fact]
    public void DownUpLosesFineDetail()
    {
        // A one-pixel checkerboard averages to grey at half resolution.
        float[] checker = Enumerable.Range(0, Size * Size).Select(i => (float)((i / Size + i % Size) % 2)).ToArray();
        Assert.All(AcquisitionTransforms.DownUp(checker, Size, 0.5), v => Assert.Equal(0.5f, v, 5));
    }

    [Fact]
    public void BordersFillOnlyTheBands()
    {
        float[] y = AcquisitionTransforms.Borders(Ramp(), Size, left: 2, top: 1, right: 0, bottom: 3, value: 1f);
        int filled = y.Count(v => v == 1f);
        // Rows 0 and 13-15 (4 rows x 16) plus columns 0-1 of the other 12 rows; the ramp reaches 1 only in its last pixel, inside a band.
        Assert.Equal(4 * Size + 2 * 12, filled);
        Assert.Equal(Ramp()[5 * Size + 7], y[5 * Size + 7]);
    }

    [Fact]
    public void HistogramMatchingTakesTheReferenceDistribution()
    {
        float[] dark = Enumerable.Range(0, Size * Size).Select(i => 0.25f * i / (Size * Size - 1)).ToArray();
        float[] matched = AcquisitionTransforms.MatchHistogram(dark, AcquisitionTransforms.Cdf(Ramp()));
        // Ranks are kept, values spread over the reference's full range.
        Assert.True(matched.Max() > 0.95f && matched.Min() < 0.05f);
        Assert.True(matched.Zip(matched.Skip(1)).All(p => p.First <= p.Second));
        // Matching to its own histogram changes nothing but 8-bit binning.
        float[] self = AcquisitionTransforms.MatchHistogram(Ramp(), AcquisitionTransforms.Cdf(Ramp()));
        Assert.All(self.Zip(Ramp()), p => Assert.Equal(p.Second, p.First, 2));
    }

    [Fact]
    public void JpegRoundTripStaysCloseButIsLossy()
    {
        float[] x = Ramp();
        float[] y = AcquisitionTransforms.Jpeg(x, Size, 20);
        Assert.Equal(x.Length, y.Length);
        Assert.True(x.Zip(y).Max(p => Math.Abs(p.First - p.Second)) < 0.15f);
        Assert.Contains(x.Zip(y), p => Math.Abs(p.First - p.Second) > 1f / 255);
    }

    [Fact]
    public void BurnedInLetterHasItsDotCount()
    {
        var plane = new float[Size * Size];
        BurnedInText.Draw(plane, Size, "L", 2, 3, scale: 1, value: 1f);
        // The 5x7 'L': a 7-dot stem and 4 more dots along the foot.
        Assert.Equal(11, plane.Count(v => v == 1f));
        Assert.Equal(1f, plane[3 * Size + 2]);
        Assert.Equal(1f, plane[9 * Size + 6]);
        var scaled = new float[Size * Size];
        BurnedInText.Draw(scaled, Size, "L", 0, 0, scale: 2, value: 1f);
        Assert.Equal(44, scaled.Count(v => v == 1f));
    }

    [Fact]
    public void AugmenterIsSeededAndMatchesOnlyOtherSources()
    {
        using var scope = NewDisposeScope();
        float[][] planes = [Ramp(), Ramp().Select(v => v * 0.5f).ToArray(), Ramp().Select(v => 1 - v).ToArray()];
        var options = new AcquisitionOptions
        {
            Enabled = true, Window = 0, BlurOrSharpen = 0, Noise = 0, Jpeg = 0, Resolution = 0, Borders = 0, Text = 0, HistogramMatch = 1,
        };
        // Image 0 is the only image of source "a": its reference must come from "b" (images 1 and 2).
        var augmenter = new AcquisitionAugmenter(options, ["a", "b", "b"], [0, 1, 2], i => planes[i]);
        var batch = tensor(planes[0], new long[] { 1, 1, Size, Size });
        float[] y = augmenter.Apply(batch, [0], new Random(5)).data<float>().ToArray();
        float[] again = augmenter.Apply(batch, [0], new Random(5)).data<float>().ToArray();
        Assert.Equal(y, again);
        var candidates = new[] { 1, 2 }.Select(i => AcquisitionTransforms.MatchHistogram(planes[0], AcquisitionTransforms.Cdf(planes[i]))).ToList();
        Assert.Contains(candidates, c => c.SequenceEqual(y));

        var lonely = new AcquisitionAugmenter(options, ["a"], [0], i => planes[i]);
        Assert.Equal(planes[0], lonely.Apply(batch, [0], new Random(5)).data<float>().ToArray());
    }

    [Fact]
    public void OutOfRangeProbabilitiesFail() =>
        Assert.Throws<ArgumentException>(() => new AcquisitionOptions { Jpeg = 1.5 }.Validate());
}
