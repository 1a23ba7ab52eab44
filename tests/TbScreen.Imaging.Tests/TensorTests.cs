using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class TensorTests
{
    [Fact]
    public void Defaults_map_unit_gray_to_minus_two_plus_two_in_three_channels()
    {
        // 2 rows x 4 columns of white into a 4 x 4 letterbox: rows 1..2 white -> (1 - 0.5)/0.25 = 2,
        // padding black -> (0 - 0.5)/0.25 = -2; the plane repeats in 3 channels.
        var radiograph = TestRadiographs.Gray(2, 4, Enumerable.Repeat(255, 8).ToArray(), bitsStored: 8, voi: RasterImageLoader.FullRangeWindow(8));
        float[] tensor = RadiographPipeline.ToTensor(radiograph, InputContract.Default with { Size = 4 });
        float[] plane = [-2, -2, -2, -2, 2, 2, 2, 2, 2, 2, 2, 2, -2, -2, -2, -2];
        Assert.Equal(plane.Concat(plane).Concat(plane), tensor);
    }

    [Fact]
    public void Default_contract_values()
    {
        InputContract contract = InputContract.Default;
        Assert.Equal((224, 3, ResizeMode.Letterbox, 0.5f, 0.25f), (contract.Size, contract.Channels, contract.ResizeMode, contract.Mean, contract.Std));
        Assert.Equal(("area", "bilinear"), (contract.DownsampleFilter, contract.UpsampleFilter));
    }

    [Fact]
    public void Unknown_filter_in_a_contract_is_refused()
    {
        var radiograph = TestRadiographs.Gray(1, 1, [0], voi: new WindowVoi(0, 1));
        Assert.Throws<NotSupportedException>(() =>
            RadiographPipeline.ToTensor(radiograph, InputContract.Default with { UpsampleFilter = "bicubic" }));
    }

    [Fact]
    public void Display_is_rounded_to_eight_bits()
    {
        // LINEAR_EXACT c=0.5 w=1 maps stored 0 -> 0 and stored 1 -> 1 (on the upper edge);
        // with c=1 w=2: x=1 -> 0.5 -> 127.5 -> 128 (half away from zero).
        var radiograph = TestRadiographs.Gray(1, 3, [0, 1, 2], voi: new WindowVoi(1, 2, VoiLutFunction.LinearExact));
        Assert.Equal([0, 128, 255], RadiographPipeline.ToDisplay8Bit(radiograph));
        Assert.Equal(16, RadiographPipeline.ToDisplay8Bit(radiograph, 4).Length);
    }

    [Fact]
    public void Crop_then_resize_in_tensor()
    {
        // 10 x 10: 2 black rows on top, the rest white. With cropping, the 8 x 10 white area letterboxed to 10:
        // rows round(8 * 10 / 10) = 8, top padding 1. Without cropping the black rows stay at the top.
        int[] stored = new int[100];
        Array.Fill(stored, 255, 20, 80);
        var radiograph = TestRadiographs.Gray(10, 10, stored, bitsStored: 8, voi: RasterImageLoader.FullRangeWindow(8));
        var contract = InputContract.Default with { Size = 10, Channels = 1, Mean = 0, Std = 1, CropBorders = true };

        float[] cropped = RadiographPipeline.ToTensor(radiograph, contract);
        Assert.Equal(0f, cropped[0]);
        Assert.Equal(1f, cropped[10]);
        Assert.Equal(1f, cropped[80]);
        Assert.Equal(0f, cropped[90]);

        float[] uncropped = RadiographPipeline.ToTensor(radiograph, contract with { CropBorders = false });
        Assert.Equal(0f, uncropped[10]);
        Assert.Equal(1f, uncropped[90]);
    }
}
