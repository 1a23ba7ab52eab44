using TbScreen.Imaging;

namespace TbScreen.Inference.Lungs;

/// <summary>
/// What the polarity check needs from the segmenter's input and output: the film's negative, and how sure the
/// segmentation is. The segmenter learned dark, lung-shaped fields; on a photographic negative (a MONOCHROME1 film
/// exported without inversion, a wrong Presentation LUT Shape) it is surer of the lungs in the film's inverted copy.
/// </summary>
public static class LungPolarity
{
    /// <summary>Probabilities strictly between these count as undecided pixels.</summary>
    public const float UndecidedLow = 0.1f, UndecidedHigh = 0.9f;

    /// <summary>
    /// Undecided pixels (probability strictly between 0.1 and 0.9) per lung pixel (probability at or above the
    /// threshold), inside the letterbox's content block: a clean pair of lungs has a thin undecided rim (a median of
    /// 0.15 on our films), a muddled map a wide one. Infinite when no pixel reaches the threshold.
    /// </summary>
    public static double Doubt(ReadOnlySpan<float> probability, double threshold, int size, PixelRect content)
    {
        if (probability.Length != size * size)
        {
            throw new ArgumentException($"A {size}x{size} probability map needs {size * size} values, got {probability.Length}.", nameof(probability));
        }

        long undecided = 0, lung = 0;
        for (int r = content.Top; r < content.Top + content.Rows; r++)
        {
            for (int c = content.Left; c < content.Left + content.Columns; c++)
            {
                float p = probability[(r * size) + c];
                if (p > UndecidedLow && p < UndecidedHigh)
                {
                    undecided++;
                }

                if (p >= threshold)
                {
                    lung++;
                }
            }
        }

        return lung == 0 ? double.PositiveInfinity : (double)undecided / lung;
    }

    /// <summary>
    /// The tensor of the same film with its gray values inverted (v -> 1 - v) inside the content block; the letterbox
    /// padding stays black, as it would for an inverted source image. Exact for the plain normalisation, and for
    /// mid-rank histogram equalisation up to the bin edges, because equalising a negative gives one minus the
    /// equalised original.
    /// </summary>
    public static float[] Negative(ReadOnlySpan<float> tensor, int size, PixelRect content, InputContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        if (tensor.Length != size * size)
        {
            throw new ArgumentException($"A {size}x{size} plane needs {size * size} values, got {tensor.Length}.", nameof(tensor));
        }

        float[] negative = tensor.ToArray();
        double mean = contract.Mean, std = contract.Std;
        for (int r = content.Top; r < content.Top + content.Rows; r++)
        {
            for (int c = content.Left; c < content.Left + content.Columns; c++)
            {
                int i = (r * size) + c;
                double gray = (tensor[i] * std) + mean;
                negative[i] = (float)((1 - gray - mean) / std);
            }
        }

        return negative;
    }
}
