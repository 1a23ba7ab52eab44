using TbScreen.Imaging;

namespace TbScreen.Inference.Lungs;

/// <summary>
/// The lung fields' bounding box grown by a margin, in the mask's (the original image's) pixel coordinates: the crop a
/// classifier is given instead of the whole film when its contract has <see cref="InputContract.CropToLungs"/>.
/// </summary>
public static class LungFieldCrop
{
    /// <summary>
    /// The crop a contract asks for: the box of a segmentation whose lungs were found, with the contract's margin;
    /// null when the contract does not crop to the lungs or no plausible lungs were found (the full image is used).
    /// </summary>
    public static PixelRect? For(InputContract contract, LungSegmentation? segmentation)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return contract.CropToLungs && segmentation is { LungsFound: true } found ? Find(found.Mask, contract.LungCropMargin) : null;
    }

    /// <summary>
    /// The box around every lung pixel, grown on each side by <paramref name="marginFraction"/> of the box's own height
    /// (top and bottom) and width (left and right), rounded up to whole pixels and clipped to the image. Null for an
    /// empty mask.
    /// </summary>
    public static PixelRect? Find(BinaryMask mask, double marginFraction = 0.05)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (marginFraction is < 0 or > 1 || double.IsNaN(marginFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(marginFraction), marginFraction, "The margin is a fraction of the box, 0 to 1.");
        }

        int top = int.MaxValue, left = int.MaxValue, bottom = -1, right = -1;
        for (int y = 0; y < mask.Height; y++)
        {
            for (int x = 0; x < mask.Width; x++)
            {
                if (mask[y, x])
                {
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                }
            }
        }

        if (bottom < 0)
        {
            return null;
        }

        // The epsilon keeps float noise (e.g. 60 * 0.1) from rounding a whole-pixel margin up by one.
        int marginY = (int)Math.Ceiling(((bottom - top + 1) * marginFraction) - 1e-9);
        int marginX = (int)Math.Ceiling(((right - left + 1) * marginFraction) - 1e-9);
        top = Math.Max(0, top - marginY);
        left = Math.Max(0, left - marginX);
        bottom = Math.Min(mask.Height - 1, bottom + marginY);
        right = Math.Min(mask.Width - 1, right + marginX);
        return new PixelRect(top, left, bottom - top + 1, right - left + 1);
    }
}
