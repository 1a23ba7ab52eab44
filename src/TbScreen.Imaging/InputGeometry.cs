namespace TbScreen.Imaging;

/// <summary>
/// Where the model input came from: the <see cref="Crop"/> kept from the original Rows x Columns image (stage 5)
/// and the <see cref="Content"/> block of the Size x Size square it was resampled into (stage 6; the rest is
/// letterbox padding). Coordinates are continuous: pixel (r, c) covers [c, c + 1) x [r, r + 1), so its centre is
/// (c + 0.5, r + 0.5). The resampler maps each axis linearly in these coordinates (area averaging and half-pixel
/// bilinear alike), which makes the mapping below exact.
/// </summary>
public sealed record InputGeometry(int SourceRows, int SourceColumns, PixelRect Crop, int Size, PixelRect Content)
{
    /// <summary>Square pixels per original pixel, horizontally.</summary>
    public double ScaleX => (double)Content.Columns / Crop.Columns;

    /// <summary>Square pixels per original pixel, vertically (differs from <see cref="ScaleX"/> in Stretch mode).</summary>
    public double ScaleY => (double)Content.Rows / Crop.Rows;

    /// <summary>A point in original image coordinates to model-input square coordinates.</summary>
    public (double X, double Y) ToSquare(double x, double y) =>
        (Content.Left + ((x - Crop.Left) * ScaleX), Content.Top + ((y - Crop.Top) * ScaleY));

    /// <summary>A point in square coordinates back to original image coordinates.</summary>
    public (double X, double Y) ToSource(double x, double y) =>
        (Crop.Left + ((x - Content.Left) / ScaleX), Crop.Top + ((y - Content.Top) / ScaleY));
}
