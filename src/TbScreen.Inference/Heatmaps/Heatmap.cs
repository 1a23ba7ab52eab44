namespace TbScreen.Inference.Heatmaps;

/// <summary>
/// Per-pixel TB evidence in [0, 1] over the model input (Width x Height, row-major), i.e. the letterboxed
/// Size x Size image the model saw; the dashboard overlays it on that same square rendering.
/// </summary>
public sealed record Heatmap(int Width, int Height, float[] Values);
