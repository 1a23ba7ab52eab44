using TbScreen.Inference.Lungs;

namespace TbScreen.Inference.Tests.Lungs;

public sealed class MaskMetricsTests
{
    [Fact]
    public void Dice_of_hand_drawn_masks_is_two_overlaps_over_both_areas()
    {
        var predicted = MaskDrawing.Parse(
            "##..",
            "##..",
            "##..",
            "....");
        var reference = MaskDrawing.Parse(
            "....",
            ".#..",
            "##..",
            "#...");

        // |A| = 6, |B| = 4, |A ∩ B| = 3 (rows 1-2): 2 * 3 / (6 + 4) = 0.6.
        Assert.Equal(0.6, MaskMetrics.Dice(predicted, reference), 12);
        Assert.Equal(0.6, MaskMetrics.Dice(reference, predicted), 12);
    }

    [Fact]
    public void Two_empty_masks_agree_and_an_empty_prediction_scores_zero()
    {
        var empty = MaskDrawing.Parse("...", "...");
        var lung = MaskDrawing.Parse(".#.", "...");

        Assert.Equal(1.0, MaskMetrics.Dice(empty, empty));
        Assert.Equal(0.0, MaskMetrics.Dice(empty, lung));
        Assert.Equal(1.0, MaskMetrics.Dice(lung, lung));
    }

    [Fact]
    public void Masks_of_different_sizes_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => MaskMetrics.Dice(MaskDrawing.Parse("..", ".."), MaskDrawing.Parse("...", "...")));
        Assert.Contains("2x2 and 3x2", e.Message);
    }
}
