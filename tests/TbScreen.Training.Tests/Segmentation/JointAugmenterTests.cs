using TbScreen.Training.Augmentation;
using TbScreen.Training.Segmentation;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Segmentation;

public sealed class JointAugmenterTests
{
    private static Tensor Blocks()
    {
        // Two 16x16 images with a bright block each, in different places.
        var values = new float[2 * 16 * 16];
        for (int y = 4; y < 12; y++)
        {
            for (int x = 3; x < 9; x++)
            {
                values[(y * 16) + x] = 1;
                values[256 + (y * 16) + x + 5] = 1;
            }
        }

        return tensor(values, new long[] { 2, 1, 16, 16 });
    }

    [Fact]
    public void Image_and_mask_move_together()
    {
        // Geometry only: with the intensity changes off, the same plane as image and mask must stay identical.
        var geometric = new AugmentationOptions { RotationDegrees = 10, Scale = 0.1, Translate = 0.1, Brightness = 0, Contrast = 0, Gamma = 1 };
        using var plane = Blocks();

        var (image, mask) = new JointAugmenter(geometric).Apply(plane, plane, new Random(5));

        // Within float rounding: the image also passes the (here neutral) mean-centred contrast step.
        Assert.True(image.allclose(mask, rtol: 0, atol: 1e-6));
        Assert.False(plane.allclose(mask, rtol: 0, atol: 1e-3), "the seeded draw should have moved the blocks");
    }

    [Fact]
    public void A_seed_reproduces_the_batch_and_intensity_changes_leave_the_mask_alone()
    {
        var options = new SegmentationOptions().Augmentation;
        using var plane = Blocks();
        var noGeometry = options with { RotationDegrees = 0, Scale = 0, Translate = 0 };

        var (a, am) = new JointAugmenter(options).Apply(plane, plane, new Random(9));
        var (b, bm) = new JointAugmenter(options).Apply(plane, plane, new Random(9));
        var (_, unmoved) = new JointAugmenter(noGeometry).Apply(plane, plane, new Random(9));

        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.Equal(am.data<float>().ToArray(), bm.data<float>().ToArray());
        Assert.True(unmoved.allclose(plane, rtol: 0, atol: 1e-5));
    }
}
