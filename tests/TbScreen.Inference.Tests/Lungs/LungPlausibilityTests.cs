using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

public sealed class LungPlausibilityTests
{
    private static readonly LungPlausibility Check = LungPlausibility.Default;

    [Fact]
    public void Two_lungs_side_by_side_in_the_middle_are_found()
    {
        // 100x100; each lung 20 wide, 50 tall: 10% of the image; centres at x 30 and 70, y 45.
        var mask = MaskDrawing.Rectangles(100, 100, (20, 20, 50, 20), (20, 60, 50, 20));

        var result = Check.Check(mask);

        Assert.True(result.Found, result.Reason);
        Assert.Equal(LungCheckFailure.None, result.Failure);
    }

    [Fact]
    public void One_blob_is_too_few_regions()
    {
        var result = Check.Check(MaskDrawing.Rectangles(100, 100, (20, 25, 50, 50)));

        Assert.Equal(LungCheckFailure.TooFewRegions, result.Failure);
        Assert.Contains("one region", result.Reason);
    }

    [Fact]
    public void An_empty_mask_has_no_lung_region()
    {
        var result = Check.Check(MaskDrawing.Rectangles(100, 100));

        Assert.False(result.Found);
        Assert.Equal(LungCheckFailure.TooFewRegions, result.Failure);
        Assert.Equal("no lung region", result.Reason);
    }

    [Fact]
    public void Regions_below_three_percent_are_implausible()
    {
        // 5x5 = 25 pixels = 0.25% of the image.
        var result = Check.Check(MaskDrawing.Rectangles(100, 100, (40, 25, 5, 5), (40, 70, 5, 5)));

        Assert.Equal(LungCheckFailure.ImplausibleArea, result.Failure);
    }

    [Fact]
    public void Two_regions_one_above_the_other_are_not_side_by_side()
    {
        var result = Check.Check(MaskDrawing.Rectangles(100, 100, (5, 40, 30, 20), (60, 40, 30, 20)));

        Assert.Equal(LungCheckFailure.NotSideBySide, result.Failure);
    }

    [Fact]
    public void A_pair_in_the_top_corner_region_is_off_centre()
    {
        // Centres at y 8.5 of 100: 41.5% above the middle (the limit is 30%).
        var result = Check.Check(MaskDrawing.Rectangles(100, 100, (0, 20, 17, 25), (0, 55, 17, 25)));

        Assert.Equal(LungCheckFailure.OffCentre, result.Failure);
    }
}
