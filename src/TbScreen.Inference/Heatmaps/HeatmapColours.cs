namespace TbScreen.Inference.Heatmaps;

/// <summary>
/// The heatmap's colour ramp, shared by every rendering (the viewer's PNG overlay, the Secondary Capture sent to
/// PACS): blue → cyan → yellow → red for v in [0, 1], with opacity rising with the value so cold regions leave the
/// radiograph visible.
/// </summary>
public static class HeatmapColours
{
    /// <summary>Red, green, blue and alpha in [0, 1]; alpha = 0.85 v. Non-finite values are cold.</summary>
    public static (float R, float G, float B, float A) Colour(float value)
    {
        float v = float.IsFinite(value) ? Math.Clamp(value, 0f, 1f) : 0f;
        float r = Math.Clamp((4 * v) - 1.5f, 0, 1);
        float g = Math.Clamp(1.5f - Math.Abs((4 * v) - 2), 0, 1);
        float b = Math.Clamp(1.5f - (4 * v), 0, 1);
        return (r, g, b, 0.85f * v);
    }
}
