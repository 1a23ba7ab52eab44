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

    [Fact]
    public void Zoom_out_and_aspect_shrink_and_stretch_image_and_mask_together()
    {
        var still = new AugmentationOptions { RotationDegrees = 0, Scale = 0, Translate = 0, Brightness = 0, Contrast = 0, Gamma = 1 };
        var fieldOfView = new FieldOfViewOptions { ZoomOut = 0.4, Aspect = 0.2 };
        var values = new float[8 * 32 * 32];
        for (int n = 0; n < 8; n++)
        {
            for (int y = 8; y < 24; y++)
            {
                for (int x = 8; x < 24; x++)
                {
                    values[(n * 1024) + (y * 32) + x] = 1;
                }
            }
        }

        using var plane = tensor(values, new long[] { 8, 1, 32, 32 });
        var (image, mask) = new JointAugmenter(still, fieldOfView).Apply(plane, plane, new Random(4));

        Assert.True(image.allclose(mask, rtol: 0, atol: 1e-6));
        // The centred 16x16 block: a zoom-out of up to 40% and a stretch of up to 20% keep its area within
        // [0.6^2, 1] of 256 (the stretch multiplies width and divides height alike); the draws must change its shape.
        float[] areas = mask.sum(new long[] { 1, 2, 3 }).data<float>().ToArray();
        Assert.All(areas, a => Assert.InRange(a, (0.6 * 0.6 * 256) - 8, 256 + 8));
        Assert.Contains(areas, a => a < 0.9 * 256);
        Assert.False(plane.allclose(mask, rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void Acquisition_changes_touch_the_image_and_leave_the_mask_as_the_geometry_put_it()
    {
        var options = new SegmentationOptions().Augmentation;
        using var plane = Blocks();
        var acquisition = new AcquisitionAugmenter(AcquisitionOptions.On with { Noise = 1 }, ["a", "a"], [0, 1], i => new float[256]);

        var (plain, plainMask) = new JointAugmenter(options).Apply(plane, plane, [0, 1], new Random(2));
        var (changed, changedMask) = new JointAugmenter(options, acquisition: acquisition).Apply(plane, plane, [0, 1], new Random(2));

        Assert.Equal(plainMask.data<float>().ToArray(), changedMask.data<float>().ToArray());
        Assert.False(plain.allclose(changed, rtol: 0, atol: 1e-4), "noise with probability 1 must change the image");
    }
}
