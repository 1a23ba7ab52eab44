using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class ResizeTests
{
    [Fact]
    public void Area_average_of_three_to_two()
    {
        // Output 0 covers source [0, 1.5): (0 * 1 + 3 * 0.5) / 1.5 = 1; output 1 covers [1.5, 3): (3 * 0.5 + 6) / 1.5 = 5.
        var image = new GrayImage(1, 3, [0, 3, 6]);
        Assert.Equal([1f, 5f], Resampler.Resize(image, 1, 2).Pixels);
    }

    [Fact]
    public void Area_average_of_two_by_two_blocks()
    {
        var image = new GrayImage(4, 4,
        [
            0, 2, 4, 4,
            2, 4, 8, 8,
            1, 1, 0, 0,
            1, 1, 0, 4,
        ]);
        // Block means: (0+2+2+4)/4 = 2, (4+4+8+8)/4 = 6, (1+1+1+1)/4 = 1, (0+0+0+4)/4 = 1.
        Assert.Equal([2f, 6f, 1f, 1f], Resampler.Resize(image, 2, 2).Pixels);
    }

    [Fact]
    public void Bilinear_upsampling_uses_half_pixel_centres()
    {
        // Source x = (i + 0.5) * 2 / 4 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        var image = new GrayImage(1, 2, [0, 1]);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], Resampler.Resize(image, 1, 4).Pixels);
    }

    [Fact]
    public void Letterbox_keeps_aspect_ratio_and_pads_black_centred()
    {
        // 300 rows x 200 columns -> rows 224, columns round(200 * 224 / 300) = round(149.33) = 149,
        // left padding (224 - 149) / 2 = 37, so columns 37..185 hold the image.
        var image = new GrayImage(300, 200, Enumerable.Repeat(1f, 300 * 200).ToArray());
        GrayImage square = Resampler.ToSquare(image, 224, ResizeMode.Letterbox);
        Assert.Equal((224, 224), (square.Rows, square.Columns));
        for (int c = 0; c < 224; c++)
        {
            float expected = c is >= 37 and < 37 + 149 ? 1f : 0f;
            Assert.Equal(expected, square[0, c], 1e-6f);
            Assert.Equal(expected, square[223, c], 1e-6f);
        }
    }

    [Fact]
    public void Letterbox_of_a_wide_image_pads_top_and_bottom()
    {
        // 2 rows x 4 columns -> 4 x 4 with the image (2 x 4, unchanged) in rows 1..2.
        var image = new GrayImage(2, 4, Enumerable.Repeat(1f, 8).ToArray());
        GrayImage square = Resampler.ToSquare(image, 4, ResizeMode.Letterbox);
        Assert.Equal(
            [0f, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0],
            square.Pixels);
    }

    [Fact]
    public void Stretch_fills_the_square()
    {
        var image = new GrayImage(300, 200, Enumerable.Repeat(0.5f, 300 * 200).ToArray());
        GrayImage square = Resampler.ToSquare(image, 64, ResizeMode.Stretch);
        Assert.Equal((64, 64), (square.Rows, square.Columns));
        Assert.All(square.Pixels, v => Assert.Equal(0.5f, v, 1e-6f));
    }

    [Fact]
    public void Area_weights_sum_to_one()
    {
        foreach (Resampler.Tap tap in Resampler.Taps(1000, 224))
        {
            Assert.Equal(1.0, tap.Weights.Sum(), 1e-12);
        }
    }
}
