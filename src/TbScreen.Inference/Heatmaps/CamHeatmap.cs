using TbScreen.Inference.Runtime;

namespace TbScreen.Inference.Heatmaps;

/// <summary>Turns the graph's raw class activation map into an overlay-ready <see cref="Heatmap"/>.</summary>
public static class CamHeatmap
{
    /// <summary>
    /// Upsamples bilinearly (pixel centres aligned, as ONNX Resize's half_pixel mode) to size x size, keeps only
    /// positive evidence (ReLU, as Grad-CAM does) and divides by the maximum. A map with no positive value becomes
    /// all zeros rather than stretched noise: no region argues for TB.
    /// </summary>
    public static Heatmap From(CamMap cam, int size)
    {
        ArgumentNullException.ThrowIfNull(cam);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (cam.Height < 1 || cam.Width < 1 || cam.Values.Length != cam.Height * cam.Width)
        {
            throw new ArgumentException($"CAM of {cam.Values.Length} values is not {cam.Height}x{cam.Width}.", nameof(cam));
        }

        float[] values = Upsample(cam, size, size);
        float max = 0;
        for (int i = 0; i < values.Length; i++)
        {
            float v = float.IsFinite(values[i]) ? Math.Max(values[i], 0f) : 0f;
            values[i] = v;
            max = Math.Max(max, v);
        }

        if (max > 0)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Math.Min(values[i] / max, 1f);
            }
        }

        return new Heatmap(size, size, values);
    }

    internal static float[] Upsample(CamMap cam, int outHeight, int outWidth)
    {
        var output = new float[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
        {
            var (y0, y1, fy) = Source(y, outHeight, cam.Height);
            for (int x = 0; x < outWidth; x++)
            {
                var (x0, x1, fx) = Source(x, outWidth, cam.Width);
                float top = Lerp(cam.Values[y0 * cam.Width + x0], cam.Values[y0 * cam.Width + x1], fx);
                float bottom = Lerp(cam.Values[y1 * cam.Width + x0], cam.Values[y1 * cam.Width + x1], fx);
                output[y * outWidth + x] = Lerp(top, bottom, fy);
            }
        }

        return output;
    }

    private static (int Low, int High, float Fraction) Source(int target, int targetSize, int sourceSize)
    {
        double s = (target + 0.5) * sourceSize / targetSize - 0.5;
        s = Math.Clamp(s, 0, sourceSize - 1);
        int low = (int)Math.Floor(s);
        int high = Math.Min(low + 1, sourceSize - 1);
        return (low, high, (float)(s - low));
    }

    private static float Lerp(float a, float b, float t) => a + (b - a) * t;
}
