using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

/// <summary>
/// DICOM Pixel Padding Value and Range Limit (PS3.3 C.7.5.1.1.2): padding is named "to prevent display applications
/// from taking it into account when determining the dynamic range", and is no part of the image.
/// </summary>
public sealed class PixelPaddingTests
{
    /// <summary>
    /// 4x4, 12-bit: the four corners are padding (a round collimation's corners, not whole rows or columns, so the
    /// uniform-frame rule cannot peel them); the other twelve pixels hold 1000, 1200, ..., 3200. Without padding the
    /// 0.5th percentile (rank 1 of 16) would be the padding itself.
    /// </summary>
    private static (int[] Stored, int[] Image) Film(int paddingValue)
    {
        int[] stored = new int[16];
        var image = new List<int>();
        int next = 1000;
        for (int i = 0; i < 16; i++)
        {
            if (i is 0 or 3 or 12 or 15)
            {
                stored[i] = paddingValue;
            }
            else
            {
                stored[i] = next;
                image.Add(i);
                next += 200;
            }
        }

        return (stored, [.. image]);
    }

    [Fact]
    public void Padding_is_left_out_of_the_fallback_window_and_rendered_black()
    {
        var (stored, image) = Film(paddingValue: 0);
        var radiograph = WithPadding(TestRadiographs.Gray(4, 4, stored, bitsStored: 12), new PixelPadding(0, 0));

        // Image values 1000..3200 (12 of them): nearest ranks 1 and 12 give low 1000 and high 3200.
        Assert.Equal(new WindowVoi(2100.5, 2201, VoiLutFunction.Linear), RadiographPipeline.EstimateFallbackWindow(radiograph));
        float[] y = RadiographPipeline.ToUnitGray(radiograph);
        Assert.All(new[] { 0, 3, 12, 15 }, i => Assert.Equal(0f, y[i]));
        Assert.Equal(0f, y[image[0]]);                              // 1000: the lower edge
        Assert.Equal(1f, y[image[^1]]);                             // 3200: the upper edge
        Assert.Equal(1000.0 / 2200, y[image[5]], 1e-6);             // 2000: (2000 - 2100)/2200 + 0.5

        // The same film without the declaration: the padding pulls the window's lower edge down to 0.
        var undeclared = TestRadiographs.Gray(4, 4, stored, bitsStored: 12);
        Assert.Equal(new WindowVoi(1600.5, 3201, VoiLutFunction.Linear), RadiographPipeline.EstimateFallbackWindow(undeclared));
    }

    [Fact]
    public void Monochrome1_padding_is_black_after_inversion_and_a_range_counts_whole()
    {
        // MONOCHROME1 pads with the maximum (PS3.3 note: 2^BitsStored - 1 pads with black); here a range 4000..4095.
        var (stored, image) = Film(paddingValue: 4095);
        stored[0] = 4000; // another value inside the declared range
        var radiograph = WithPadding(TestRadiographs.Gray(4, 4, stored, bitsStored: 12, photometric: "MONOCHROME1"), new PixelPadding(4000, 4095));

        Assert.Equal(new WindowVoi(2100.5, 2201, VoiLutFunction.Linear), RadiographPipeline.EstimateFallbackWindow(radiograph));
        float[] y = RadiographPipeline.ToUnitGray(radiograph);
        Assert.All(new[] { 0, 3, 12, 15 }, i => Assert.Equal(0f, y[i]));
        Assert.Equal(1f, y[image[0]]);  // 1000 inverted: white
        Assert.Equal(0f, y[image[^1]]); // 3200 inverted: black
    }

    [Fact]
    public void A_file_window_still_applies_to_the_image_and_padding_stays_black()
    {
        var (stored, image) = Film(paddingValue: 0);
        var window = new WindowVoi(2000, 4000, VoiLutFunction.LinearExact); // 0 -> 0, 4000 -> 1
        var radiograph = WithPadding(TestRadiographs.Gray(4, 4, stored, bitsStored: 12, photometric: "MONOCHROME1", voi: window), new PixelPadding(0, 0));

        float[] y = RadiographPipeline.ToUnitGray(radiograph);

        Assert.All(new[] { 0, 3, 12, 15 }, i => Assert.Equal(0f, y[i])); // unpadded, MONOCHROME1 0 would be white
        Assert.Equal(1 - (1000 / 4000.0), y[image[0]], 1e-6);
    }

    [Fact]
    public void A_film_of_nothing_but_padding_still_gets_a_window()
    {
        var radiograph = WithPadding(TestRadiographs.Gray(2, 2, [7, 7, 7, 7], bitsStored: 12), new PixelPadding(7, 7));

        Assert.Equal(new WindowVoi(7.5, 1, VoiLutFunction.Linear), RadiographPipeline.EstimateFallbackWindow(radiograph));
        Assert.All(RadiographPipeline.ToUnitGray(radiograph), v => Assert.Equal(0f, v));
    }

    private static Radiograph WithPadding(Radiograph r, PixelPadding padding) =>
        new(r.Layout, r.StoredPixels, r.Metadata) { ModalityLut = r.ModalityLut, Voi = r.Voi, Padding = padding };
}
