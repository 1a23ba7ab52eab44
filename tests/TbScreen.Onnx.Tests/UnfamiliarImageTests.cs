using TbScreen.Dicom.Samples;
using TbScreen.Imaging;
using TbScreen.Inference.OutOfDistribution;
using Xunit.Abstractions;
using static TbScreen.Onnx.Tests.SyntheticWeights;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// On a test fit (a seeded random GoogLeNet's features of chest phantoms), images that are not chest radiographs score
/// higher than held-out phantoms: the detector sees the difference through the real preprocessing and graph.
/// </summary>
public class UnfamiliarImageTests(ITestOutputHelper output)
{
    private const int Size = 64;

    [Fact]
    public void A_grey_square_and_a_random_texture_score_above_held_out_chest_phantoms()
    {
        byte[] model = OnnxModelExporter.Export("googlenet", GoogLeNet(scale: 0.25, seed: 5), new OnnxExportOptions { InputHeight = Size, InputWidth = Size, IncludeFeatureMap = false });
        var contract = new InputContract { Size = Size };
        float[][] Features(IEnumerable<byte[]> images)
        {
            var tensors = images.Select(png => RadiographPipeline.ToTensor(Load(png), contract)).ToList();
            var run = OrtRunner.Run(model, [.. tensors.SelectMany(t => t)], tensors.Count, 3, Size, Size)[OnnxModelExporter.FeaturesOutput];
            int d = (int)run.Shape[1];
            return [.. Enumerable.Range(0, tensors.Count).Select(i => run.Data.AsSpan(i * d, d).ToArray())];
        }

        var train = Features(Enumerable.Range(1, 40).Select(Phantom));
        var validation = Features(Enumerable.Range(41, 10).Select(Phantom));
        var detector = new OodDetector(OodFitter.Fit(train, validation, 16, 0.99, new OodFeatureSource()));
        double[] heldOut = [.. Features(Enumerable.Range(51, 8).Select(Phantom)).Select(f => detector.Score(f))];
        double grey = detector.Score(Features([Uniform(128)])[0]);
        double texture = detector.Score(Features([Texture(7)])[0]);

        output.WriteLine($"held-out phantoms {string.Join(", ", heldOut.Select(s => s.ToString("0.00")))}; grey {grey:0.00}; texture {texture:0.00}");
        Assert.True(grey > heldOut.Max(), $"grey square {grey:0.00} should score above every phantom (max {heldOut.Max():0.00})");
        Assert.True(texture > heldOut.Max(), $"texture {texture:0.00} should score above every phantom (max {heldOut.Max():0.00})");
        Assert.True(grey > 1 && texture > 1, "both are flagged unfamiliar");
    }

    private static byte[] Phantom(int seed) =>
        GrayPngWriter.Encode([.. ChestPhantom.Generate(Size * 2, Size * 2, 255, seed).Select(v => (byte)v)], Size * 2, Size * 2);

    private static byte[] Uniform(byte value) => GrayPngWriter.Encode([.. Enumerable.Repeat(value, Size * Size * 4)], Size * 2, Size * 2);

    /// <summary>Value noise: a coarse random grid, bilinearly upsampled, plus fine grain (photo-like, not anatomy).</summary>
    private static byte[] Texture(int seed)
    {
        var random = new Random(seed);
        int n = Size * 2, cells = 8;
        double[,] grid = new double[cells + 1, cells + 1];
        for (int y = 0; y <= cells; y++) for (int x = 0; x <= cells; x++) grid[y, x] = random.NextDouble();
        var pixels = new byte[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                double gy = (double)y / n * cells, gx = (double)x / n * cells;
                int y0 = (int)gy, x0 = (int)gx;
                double fy = gy - y0, fx = gx - x0;
                double v = (1 - fy) * ((1 - fx) * grid[y0, x0] + fx * grid[y0, x0 + 1]) + fy * ((1 - fx) * grid[y0 + 1, x0] + fx * grid[y0 + 1, x0 + 1]);
                pixels[y * n + x] = (byte)Math.Clamp(255 * (0.8 * v + 0.2 * random.NextDouble()), 0, 255);
            }
        }

        return GrayPngWriter.Encode(pixels, n, n);
    }

    private static Radiograph Load(byte[] png)
    {
        using var stream = new MemoryStream(png);
        return RasterImageLoader.Default.Load(stream, "synthetic.png");
    }
}
