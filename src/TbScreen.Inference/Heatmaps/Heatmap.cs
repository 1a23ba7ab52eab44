namespace TbScreen.Inference.Heatmaps;

/// <summary>
/// Per-pixel TB evidence in [0, 1], Width x Height, row-major. As computed and stored: over the model input (the
/// cropped, letterboxed Size x Size square); <see cref="HeatmapProjection"/> maps it onto the original radiograph.
/// </summary>
public sealed record Heatmap(int Width, int Height, float[] Values);
