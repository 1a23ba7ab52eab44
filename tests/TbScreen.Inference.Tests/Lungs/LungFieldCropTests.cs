using TbScreen.Imaging;
using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

public sealed class LungFieldCropTests
{
    [Fact]
    public void The_box_around_both_lungs_grows_by_the_margin()
    {
        // Lungs span rows 20-69 (50) and columns 20-79 (60). 10%: 5 rows and 6 columns each side.
        var mask = MaskDrawing.Rectangles(100, 100, (20, 20, 50, 20), (25, 60, 45, 20));

        Assert.Equal(new PixelRect(15, 14, 60, 72), LungFieldCrop.Find(mask, 0.10));
        Assert.Equal(new PixelRect(20, 20, 50, 60), LungFieldCrop.Find(mask, 0));
    }

    [Fact]
    public void The_margin_is_rounded_up_and_clipped_to_the_image()
    {
        // Box rows 2-11 (10), columns 0-8 (9); 5% is 0.5 row and 0.45 column, rounded up to 1 each; top-left clipped at 0.
        var mask = MaskDrawing.Rectangles(12, 12, (2, 0, 10, 9));

        Assert.Equal(new PixelRect(1, 0, 11, 10), LungFieldCrop.Find(mask));
    }

    [Fact]
    public void An_empty_mask_has_no_crop()
    {
        Assert.Null(LungFieldCrop.Find(MaskDrawing.Rectangles(10, 10)));
    }
}
