using TbScreen.Training.Segmentation;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Segmentation;

public sealed class SegmentationLossTests
{
    [Fact]
    public void Zero_logits_against_one_lung_pixel_of_four_give_ln2_plus_half()
    {
        // p = sigmoid(0) = 0.5 everywhere. BCE = ln 2 per pixel. Soft Dice = (2 * 0.5 + 1) / (4 * 0.5 + 1 + 1) = 0.5.
        using var logits = zeros(1, 1, 2, 2);
        using var target = tensor(new float[] { 1, 0, 0, 0 }, new long[] { 1, 1, 2, 2 });

        using var loss = SegmentationLoss.Compute(logits, target);

        Assert.Equal(Math.Log(2) + 0.5, loss.item<float>(), 5);
    }

    [Fact]
    public void Soft_Dice_is_per_image()
    {
        // Image 1: p = t = [1, 0] -> (2 + 1) / (1 + 1 + 1) = 1. Image 2: p = [1, 1], t = [0, 0] -> (0 + 1) / (2 + 0 + 1) = 1/3.
        using var p = tensor(new float[] { 1, 0, 1, 1 }, new long[] { 2, 1, 1, 2 });
        using var t = tensor(new float[] { 1, 0, 0, 0 }, new long[] { 2, 1, 1, 2 });

        float[] dice = SegmentationLoss.SoftDice(p, t).data<float>().ToArray();

        Assert.Equal(1f, dice[0], 6);
        Assert.Equal(1f / 3, dice[1], 6);
    }
}
