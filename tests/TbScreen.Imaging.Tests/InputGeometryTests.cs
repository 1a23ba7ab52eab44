using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

/// <summary>Where the model input came from; expected values are worked out by hand in each test's comment.</summary>
public class InputGeometryTests
{
    // A fixed window (0 -> black, 200 -> white), so the test does not depend on the fallback window of a flat image.
    private static readonly WindowVoi BlackToWhite = new(100, 200);

    private static Radiograph Uniform(int rows, int columns) =>
        TestRadiographs.Gray(rows, columns, Enumerable.Repeat(200, rows * columns).ToArray(), bitsStored: 8, voi: BlackToWhite);

    private static void AssertPoint((double X, double Y) expected, (double X, double Y) actual)
    {
        Assert.Equal(expected.X, actual.X, 1e-9);
        Assert.Equal(expected.Y, actual.Y, 1e-9);
    }

    [Fact]
    public void A_tall_image_is_letterboxed_left_and_right()
    {
        // 200 x 100 into 10: rows 10, columns round(100 * 10 / 200) = 5, left (10 - 5) / 2 = 2; 0.05 square px per px.
        var geometry = RadiographPipeline.InputGeometry(Uniform(200, 100), InputContract.Default with { Size = 10 });
        Assert.Equal(new PixelRect(0, 0, 200, 100), geometry.Crop);
        Assert.Equal(new PixelRect(0, 2, 10, 5), geometry.Content);
        AssertPoint((4.5, 5), geometry.ToSquare(50, 100));
        AssertPoint((2, 0), geometry.ToSquare(0, 0));
        AssertPoint((7, 10), geometry.ToSquare(100, 200));
        AssertPoint((50, 100), geometry.ToSource(4.5, 5));
    }

    [Fact]
    public void A_wide_image_is_letterboxed_top_and_bottom()
    {
        // 100 x 300 into 12: columns 12, rows round(100 * 12 / 300) = 4, top (12 - 4) / 2 = 4; 0.04 square px per px.
        var geometry = RadiographPipeline.InputGeometry(Uniform(100, 300), InputContract.Default with { Size = 12 });
        Assert.Equal(new PixelRect(4, 0, 4, 12), geometry.Content);
        AssertPoint((6, 6), geometry.ToSquare(150, 50));
        AssertPoint((12, 8), geometry.ToSquare(300, 100));
        AssertPoint((150, 50), geometry.ToSource(6, 6));
    }

    [Fact]
    public void Cropped_black_borders_shift_the_origin()
    {
        // 20 x 20 with 4 black rows on top and 2 black columns on the left (under the 25% cap): crop keeps rows
        // 4..19 and columns 2..19 (16 x 18). Into 9: columns 9, rows round(16 * 9 / 18) = 8, top 0, left 0; scale 0.5.
        var radiograph = WithBlackTopLeft(20, 20, top: 4, left: 2);
        var contract = InputContract.Default with { Size = 9, Channels = 1, Mean = 0, Std = 1, CropBorders = true };
        var geometry = RadiographPipeline.InputGeometry(radiograph, contract);
        Assert.Equal(new PixelRect(4, 2, 16, 18), geometry.Crop);
        Assert.Equal(new PixelRect(0, 0, 8, 9), geometry.Content);
        AssertPoint((0, 0), geometry.ToSquare(2, 4));
        AssertPoint((4.5, 8), geometry.ToSquare(11, 20));
        AssertPoint((11, 20), geometry.ToSource(4.5, 8));

        // The tensor agrees: content rows are bright, the padding row 8 is black.
        float[] tensor = RadiographPipeline.ToTensor(radiograph, contract);
        for (int c = 0; c < 9; c++)
        {
            Assert.True(tensor[(7 * 9) + c] > 0.9f, $"content pixel (7, {c}) is {tensor[(7 * 9) + c]}");
            Assert.Equal(0f, tensor[(8 * 9) + c]);
        }
    }

    [Fact]
    public void Stretch_scales_each_axis_on_its_own()
    {
        // 200 x 100 stretched to 10 x 10: 0.1 square px per px across, 0.05 down, no padding.
        var geometry = RadiographPipeline.InputGeometry(Uniform(200, 100), InputContract.Default with { Size = 10, ResizeMode = ResizeMode.Stretch });
        Assert.Equal(new PixelRect(0, 0, 10, 10), geometry.Content);
        AssertPoint((2.5, 7.5), geometry.ToSquare(25, 150));
        AssertPoint((25, 150), geometry.ToSource(2.5, 7.5));
    }

    [Fact]
    public void The_letterbox_placement_matches_the_tensor_the_model_sees()
    {
        // A regression guard that geometry and ToTensor share one placement: 300 x 200 into 224 puts columns 37..185.
        var radiograph = Uniform(300, 200);
        var contract = InputContract.Default with { Channels = 1, Mean = 0, Std = 1 };
        var geometry = RadiographPipeline.InputGeometry(radiograph, contract);
        Assert.Equal(new PixelRect(0, 37, 224, 149), geometry.Content);
        float[] tensor = RadiographPipeline.ToTensor(radiograph, contract);
        for (int c = 0; c < 224; c++)
        {
            Assert.Equal(geometry.Content.Contains(c + 0.5, 100.5), tensor[(100 * 224) + c] > 0.5f);
        }
    }

    [Fact]
    public void The_display_grid_subsamples_by_a_whole_step()
    {
        // 3000 x 2000 at maxSize 1024: step ceil(3000 / 1024) = 3, rows 1000, columns ceil(2000 / 3) = 667.
        Assert.Equal(new DisplayGrid(3, 1000, 667), DisplayGrid.For(3000, 2000, 1024));
        Assert.Equal(new DisplayGrid(1, 20, 10), DisplayGrid.For(20, 10, 1024));
    }

    private static Radiograph WithBlackTopLeft(int rows, int columns, int top, int left)
    {
        int[] stored = new int[rows * columns];
        for (int r = top; r < rows; r++)
        {
            for (int c = left; c < columns; c++)
            {
                stored[(r * columns) + c] = 200;
            }
        }

        return TestRadiographs.Gray(rows, columns, stored, bitsStored: 8, voi: BlackToWhite);
    }
}
