namespace TbScreen.Imaging;

/// <summary>
/// Resamples a square [0,1] plane under an <see cref="AffineView"/>, bilinear, with black outside the image. It
/// reproduces torch's <c>grid_sample(affine_grid(theta))</c> with align_corners false and zero padding, which the
/// training augmentation uses, in plain C# for the ONNX serving path.
/// </summary>
public static class PlaneWarp
{
    public static float[] Apply(float[] plane, int size, AffineView view)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(view);
        if (size <= 0 || plane.Length != size * size)
        {
            throw new ArgumentException($"The plane has {plane.Length} values, not {size}x{size}.", nameof(plane));
        }

        if (view.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(view));
        }

        if (view.IsIdentity)
        {
            return (float[])plane.Clone();
        }

        // Output to input in normalised coordinates ([-1, 1] across the pixel edges): the inverse of
        // "rotate by the angle, zoom by the scale", then the shift (2 x the fraction, since the side spans 2).
        double angle = view.RotationDegrees * Math.PI / 180;
        double cos = Math.Cos(angle) / view.Scale, sin = Math.Sin(angle) / view.Scale;
        double half = size / 2.0;
        var warped = new float[plane.Length];
        for (int y = 0; y < size; y++)
        {
            double v = ((y + 0.5) / half) - 1;
            for (int x = 0; x < size; x++)
            {
                double u = ((x + 0.5) / half) - 1;
                double sourceX = ((((cos * u) - (sin * v) + (2 * view.ShiftX)) + 1) * half) - 0.5;
                double sourceY = ((((sin * u) + (cos * v) + (2 * view.ShiftY)) + 1) * half) - 0.5;
                warped[(y * size) + x] = (float)Bilinear(plane, size, sourceX, sourceY);
            }
        }

        return warped;
    }

    private static double Bilinear(float[] plane, int size, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double fx = x - x0, fy = y - y0;
        return (Pixel(plane, size, x0, y0) * (1 - fx) * (1 - fy)) + (Pixel(plane, size, x0 + 1, y0) * fx * (1 - fy))
            + (Pixel(plane, size, x0, y0 + 1) * (1 - fx) * fy) + (Pixel(plane, size, x0 + 1, y0 + 1) * fx * fy);
    }

    // Zero padding: the letterbox's black, which is also what the training augmentation fills with.
    private static double Pixel(float[] plane, int size, int x, int y) =>
        x < 0 || y < 0 || x >= size || y >= size ? 0 : plane[(y * size) + x];
}
