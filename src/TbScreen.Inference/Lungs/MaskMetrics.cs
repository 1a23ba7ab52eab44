namespace TbScreen.Inference.Lungs;

/// <summary>Overlap between a predicted and a reference mask.</summary>
public static class MaskMetrics
{
    /// <summary>
    /// Dice = 2 |A ∩ B| / (|A| + |B|). Two empty masks agree perfectly (1); one empty against a non-empty one scores 0.
    /// </summary>
    public static double Dice(BinaryMask predicted, BinaryMask reference)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(reference);
        if (predicted.Width != reference.Width || predicted.Height != reference.Height)
        {
            throw new ArgumentException($"Dice needs masks of one size, got {predicted.Width}x{predicted.Height} and {reference.Width}x{reference.Height}.");
        }

        long overlap = 0, total = 0;
        for (int i = 0; i < predicted.Pixels.Length; i++)
        {
            bool a = predicted.Pixels[i], b = reference.Pixels[i];
            overlap += a && b ? 1 : 0;
            total += (a ? 1 : 0) + (b ? 1 : 0);
        }

        return total == 0 ? 1.0 : 2.0 * overlap / total;
    }
}
