using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

/// <summary>The test-time views' resampling, checked on planes small enough to work out by hand.</summary>
public class PlaneWarpTests
{
    [Fact]
    public void The_identity_view_returns_an_equal_copy()
    {
        float[] plane = [0.1f, 0.2f, 0.3f, 0.4f];

        float[] warped = PlaneWarp.Apply(plane, 2, new AffineView());

        Assert.Equal(plane, warped);
        Assert.NotSame(plane, warped);
    }

    [Fact]
    public void A_shift_of_one_pixel_moves_the_content_by_one_pixel_and_fills_with_black()
    {
        // 4 x 4, value = 10 * row + column. ShiftX = 1/4 of the side is one pixel: output (x, y) reads input (x + 1, y).
        float[] plane = Enumerable.Range(0, 16).Select(i => (float)(10 * (i / 4) + i % 4)).ToArray();

        float[] warped = PlaneWarp.Apply(plane, 4, new AffineView { ShiftX = 0.25 });

        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(x < 3 ? plane[y * 4 + x + 1] : 0f, warped[y * 4 + x], 5);
            }
        }
    }

    [Fact]
    public void A_zoom_of_two_samples_between_the_pixels_nearer_the_centre()
    {
        // 2 x 2 plane a b / c d. At zoom 2, output pixel (0, 0) (centre -0.5, -0.5 in [-1, 1]) reads the input at
        // (-0.25, -0.25), which is pixel coordinate (0.25, 0.25): weights 0.5625 a + 0.1875 b + 0.1875 c + 0.0625 d.
        float a = 0.8f, b = 0.4f, c = 0.2f, d = 0.1f;

        float[] warped = PlaneWarp.Apply([a, b, c, d], 2, new AffineView { Scale = 2 });

        Assert.Equal(0.5625 * a + 0.1875 * b + 0.1875 * c + 0.0625 * d, warped[0], 6);
        Assert.Equal(0.5625 * d + 0.1875 * b + 0.1875 * c + 0.0625 * a, warped[3], 6);
    }

    [Fact]
    public void The_largest_rotation_allowed_keeps_a_centred_dot_in_place()
    {
        // A rotation about the centre leaves the centre pixel's value (a 3 x 3 plane with one lit centre pixel): the
        // centre reads itself exactly; the corners read between their neighbours.
        float[] plane = new float[9];
        plane[4] = 1;

        float[] warped = PlaneWarp.Apply(plane, 3, new AffineView { RotationDegrees = 45 });

        Assert.Equal(1f, warped[4], 6);
        Assert.Equal(warped[0], warped[8], 6); // point symmetry of the rotation
    }

    [Theory]
    [InlineData(0.4, 0, 0, 0)]
    [InlineData(1, 46, 0, 0)]
    [InlineData(1, 0, 0.5, 0)]
    [InlineData(1, 0, 0, -0.5)]
    [InlineData(double.NaN, 0, 0, 0)]
    public void Views_outside_the_limits_are_refused(double scale, double degrees, double shiftX, double shiftY)
    {
        var view = new AffineView { Scale = scale, RotationDegrees = degrees, ShiftX = shiftX, ShiftY = shiftY };

        Assert.NotEmpty(view.Problems());
        Assert.Throws<ArgumentException>(() => PlaneWarp.Apply(new float[4], 2, view));
    }

    [Fact]
    public void A_plane_of_the_wrong_size_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PlaneWarp.Apply(new float[5], 2, new AffineView { Scale = 1.1 }));
        Assert.Contains("5 values, not 2x2", e.Message);
    }
}

/// <summary>The inverse of the model input's normalisation, which the test-time views and the stability check start from.</summary>
public class UnitPlaneTests
{
    [Fact]
    public void The_unit_plane_undoes_the_normalisation_of_the_first_channel()
    {
        var contract = new InputContract { Size = 2, Channels = 3, Mean = 0.5f, Std = 0.25f };
        float[] plane = [0f, 0.25f, 0.5f, 1f];

        float[] tensor = RadiographPipeline.ToModelInput(plane, contract);

        Assert.Equal([-2f, -1f, 0f, 2f], tensor.Take(4));
        Assert.Equal(plane, RadiographPipeline.ToUnitPlane(tensor, contract));
        var e = Assert.Throws<ArgumentException>(() => RadiographPipeline.ToUnitPlane(new float[4], contract));
        Assert.Contains("4 values, the contract's 3x2x2 input 12", e.Message);
    }
}
