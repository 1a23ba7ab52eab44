using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Lungs;

/// <summary>The whole path through ONNX Runtime with a one-op model: tensor, resampling onto the original, post-processing, check.</summary>
public sealed class LungSegmenterTests
{
    private const int Width = 80;
    private const int Height = 64;

    /// <summary>A bright 80x64 film with two dark 20x36 "lungs" (rows 14-49, columns 12-31 and 48-67) and a dark speck.</summary>
    private static Radiograph Film()
    {
        var lungs = MaskDrawing.Rectangles(Width, Height, (14, 12, 36, 20), (14, 48, 36, 20), (2, 2, 2, 2));
        byte[] pixels = lungs.Pixels.Select(p => p ? (byte)20 : (byte)220).ToArray();
        string path = Path.Combine(TestBundles.TempDirectory(), "film.png");
        File.WriteAllBytes(path, GrayPngWriter.Encode(pixels, Width, Height));
        return RasterImageLoader.Default.Load(path);
    }

    [Fact]
    public void The_mask_has_the_input_size_finds_both_lungs_and_drops_the_speck()
    {
        using var segmenter = new LungSegmenter(SegmentationBundle.Load(TinySegmentationModel.WriteBundle(TestBundles.TempDirectory())));

        var result = segmenter.Segment(Film());

        Assert.Equal((Width, Height), (result.Mask.Width, result.Mask.Height));
        Assert.True(result.LungsFound, result.Check.Reason);
        // The 2x2 speck survives the 16 px model only as a blur; post-processing keeps the two lungs alone.
        var truth = MaskDrawing.Rectangles(Width, Height, (14, 12, 36, 20), (14, 48, 36, 20));
        Assert.Equal(2, MaskComponents.Find(result.Mask).Count);
        Assert.True(MaskMetrics.Dice(result.Mask, truth) > 0.9, $"Dice {MaskMetrics.Dice(result.Mask, truth)}");
        // The letterbox pads the 16x13 content with black rows, which this model calls lung: none of it may reach the mask's edges.
        Assert.DoesNotContain(Enumerable.Range(0, Width), x => result.Mask[0, x] || result.Mask[Height - 1, x]);
    }

    [Fact]
    public void A_blank_film_has_no_lungs()
    {
        using var segmenter = new LungSegmenter(SegmentationBundle.Load(TinySegmentationModel.WriteBundle(TestBundles.TempDirectory())));
        string path = Path.Combine(TestBundles.TempDirectory(), "blank.png");
        File.WriteAllBytes(path, GrayPngWriter.Encode(Enumerable.Repeat((byte)230, 32 * 32).ToArray(), 32, 32));

        var result = segmenter.Segment(RasterImageLoader.Default.Load(path));

        Assert.False(result.LungsFound);
        Assert.Equal(LungCheckFailure.TooFewRegions, result.Check.Failure);
    }
}
