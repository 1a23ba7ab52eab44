using TbScreen.Imaging;

namespace TbScreen.Imaging.Tests;

public class BorderCropTests
{
    private static GrayImage WithBlackEdges(int rows, int columns, int top, int left)
    {
        float[] pixels = new float[rows * columns];
        for (int r = top; r < rows; r++)
        {
            for (int c = left; c < columns; c++)
            {
                pixels[(r * columns) + c] = 0.5f;
            }
        }

        return new GrayImage(rows, columns, pixels);
    }

    [Fact]
    public void Removes_black_rows_and_columns_at_the_edges()
    {
        GrayImage cropped = BorderCrop.Crop(WithBlackEdges(10, 10, top: 2, left: 1), 0.05f, 0.98f, 0.25f);
        Assert.Equal((8, 9), (cropped.Rows, cropped.Columns));
        Assert.All(cropped.Pixels, v => Assert.Equal(0.5f, v));
    }

    [Fact]
    public void Never_crops_more_than_the_allowed_fraction()
    {
        // 6 black rows of 10, at most 25%: floor(2.5) = 2 rows go.
        GrayImage cropped = BorderCrop.Crop(WithBlackEdges(10, 10, top: 6, left: 0), 0.05f, 0.98f, 0.25f);
        Assert.Equal((8, 10), (cropped.Rows, cropped.Columns));
    }

    [Fact]
    public void Is_off_in_the_default_contract()
    {
        Assert.False(InputContract.Default.CropBorders);
    }
}
