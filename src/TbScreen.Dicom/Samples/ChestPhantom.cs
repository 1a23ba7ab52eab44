namespace TbScreen.Dicom.Samples;

/// <summary>
/// A synthetic PA chest radiograph (lungs, mediastinum, spine, ribs, clavicles, soft tissue and
/// seeded noise) so that samples and fixtures never need third-party images. Values are
/// "attenuation-like": high where tissue is dense (bright on a MONOCHROME2 display).
/// </summary>
public static class ChestPhantom
{
    /// <summary>Returns rows*columns values in [0, maxValue], MONOCHROME2 sense (dense = high).</summary>
    public static int[] Generate(int rows, int columns, int maxValue, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxValue, 1);
        var random = new Random(seed);
        var values = new int[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            double y = (r + 0.5) / rows;
            for (int c = 0; c < columns; c++)
            {
                double x = (c + 0.5) / columns;
                double density = Density(x, y);
                double noise = (random.NextDouble() - 0.5) * 0.02;
                values[r * columns + c] = (int)Math.Round(Math.Clamp(density + noise, 0, 1) * maxValue);
            }
        }

        return values;
    }

    private static double Density(double x, double y)
    {
        // Collimated field: air outside the body is dark, the body is an ellipse of soft tissue.
        double body = Ellipse(x, y, 0.5, 0.55, 0.46, 0.6);
        if (body > 1)
        {
            return 0.04;
        }

        double density = 0.55;
        double lungLeft = Ellipse(x, y, 0.31, 0.47, 0.15, 0.3);
        double lungRight = Ellipse(x, y, 0.69, 0.47, 0.15, 0.3);
        if (lungLeft < 1 || lungRight < 1)
        {
            density = 0.2 + 0.1 * Math.Min(lungLeft, lungRight);
            // Ribs: curved bands across each lung field.
            double rib = Math.Sin((y + 0.08 * Math.Pow(x - 0.5, 2) * 10) * Math.PI * 18);
            if (rib > 0.75)
            {
                density += 0.18;
            }
        }

        if (Math.Abs(x - 0.5) < 0.06)
        {
            density = Math.Max(density, 0.85); // spine
        }

        if (Ellipse(x, y, 0.53, 0.62, 0.11, 0.13) < 1)
        {
            density = Math.Max(density, 0.7); // heart
        }

        if (y > 0.15 && y < 0.19 && Math.Abs(x - 0.5) > 0.06 && Math.Abs(x - 0.5) < 0.3)
        {
            density = Math.Max(density, 0.8); // clavicles
        }

        if (y > 0.78)
        {
            density = Math.Max(density, 0.75); // diaphragm and abdomen
        }

        return density;
    }

    private static double Ellipse(double x, double y, double cx, double cy, double rx, double ry) =>
        Math.Pow((x - cx) / rx, 2) + Math.Pow((y - cy) / ry, 2);
}
