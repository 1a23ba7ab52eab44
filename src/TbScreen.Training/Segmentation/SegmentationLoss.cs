using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Segmentation;

/// <summary>
/// Binary cross-entropy on the logits plus soft Dice loss (1 - Dice of the probabilities, per image, averaged):
/// cross-entropy gives every pixel a gradient, Dice weighs the lung edge against the lung's size rather than the
/// whole film's.
/// </summary>
public static class SegmentationLoss
{
    /// <summary>Keeps the Dice of an empty prediction against an empty mask at 1 and its gradient finite.</summary>
    public const double Smooth = 1.0;

    public static Tensor Compute(Tensor logits, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        using var scope = NewDisposeScope();
        var bce = F.binary_cross_entropy_with_logits(logits, target);
        return (bce + (1 - SoftDice(logits.sigmoid(), target).mean())).MoveToOuterDisposeScope();
    }

    /// <summary>Per-image soft Dice [N] of probabilities against a (soft or hard) target, both [N,1,H,W].</summary>
    public static Tensor SoftDice(Tensor probability, Tensor target)
    {
        var dims = new long[] { 1, 2, 3 };
        var overlap = (probability * target).sum(dims);
        var total = probability.sum(dims) + target.sum(dims);
        return (2 * overlap + Smooth) / (total + Smooth);
    }
}
