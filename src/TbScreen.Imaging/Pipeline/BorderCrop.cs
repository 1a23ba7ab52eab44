namespace TbScreen.Imaging;

/// <summary>
/// Stage 5 (optional): removes near-black rows and columns at the edges (scanner padding, film-digitiser
/// frames) so the lungs fill more of the model input. Bounded by a maximum fraction so a dark image never
/// loses anatomy to an over-eager crop.
/// </summary>
internal static class BorderCrop
{
    public static GrayImage Crop(GrayImage image, float blackThreshold, float minBlackFraction, float maxFraction) =>
        Apply(image, Find(image, blackThreshold, minBlackFraction, maxFraction));

    /// <summary>The rectangle kept, in the image's pixel coordinates (the whole image when nothing is trimmed).</summary>
    public static PixelRect Find(GrayImage image, float blackThreshold, float minBlackFraction, float maxFraction)
    {
        (int top, int bottom) = Trim(image.Rows, maxFraction, r => BlackFraction(image, r, r + 1, 0, image.Columns, blackThreshold) >= minBlackFraction);
        (int left, int right) = Trim(image.Columns, maxFraction, c => BlackFraction(image, top, image.Rows - bottom, c, c + 1, blackThreshold) >= minBlackFraction);
        return new PixelRect(top, left, image.Rows - top - bottom, image.Columns - left - right);
    }

    public static GrayImage Apply(GrayImage image, PixelRect keep)
    {
        if (keep.Top == 0 && keep.Left == 0 && keep.Rows == image.Rows && keep.Columns == image.Columns)
        {
            return image;
        }

        var output = GrayImage.Blank(keep.Rows, keep.Columns);
        for (int r = 0; r < keep.Rows; r++)
        {
            Array.Copy(image.Pixels, ((r + keep.Top) * image.Columns) + keep.Left, output.Pixels, r * keep.Columns, keep.Columns);
        }

        return output;
    }

    /// <summary>
    /// Lines to drop from the start and the end of one axis. When both runs together exceed the allowed
    /// amount they are shrunk in proportion, keeping the crop roughly centred.
    /// </summary>
    private static (int Start, int End) Trim(int length, float maxFraction, Func<int, bool> isBorder)
    {
        int allowed = (int)Math.Floor(length * (double)maxFraction);
        int start = 0;
        while (start < length && isBorder(start))
        {
            start++;
        }

        int end = 0;
        while (end < length - start && isBorder(length - 1 - end))
        {
            end++;
        }

        if (start + end > allowed)
        {
            int keptStart = (int)((long)start * allowed / (start + end));
            return (keptStart, allowed - keptStart);
        }

        return (start, end);
    }

    private static double BlackFraction(GrayImage image, int top, int bottom, int left, int right, float threshold)
    {
        long black = 0;
        for (int r = top; r < bottom; r++)
        {
            for (int c = left; c < right; c++)
            {
                if (image[r, c] <= threshold)
                {
                    black++;
                }
            }
        }

        long total = (long)(bottom - top) * (right - left);
        return total == 0 ? 0 : (double)black / total;
    }
}
