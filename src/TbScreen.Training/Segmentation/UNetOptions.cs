namespace TbScreen.Training.Segmentation;

/// <summary>
/// Shape of the lung U-Net: <see cref="Depth"/> down-sampling steps (each halves the map and doubles the width,
/// starting at <see cref="BaseWidth"/>), then the bottleneck, and as many up-sampling steps back.
/// </summary>
public sealed record UNetOptions
{
    public int Depth { get; init; } = 4;

    public int BaseWidth { get; init; } = 16;

    /// <summary>The smallest input the net accepts: every down-sampling step needs an even map.</summary>
    public int SizeMultiple => 1 << Depth;

    public void Validate()
    {
        if (Depth is < 1 or > 6 || BaseWidth is < 1 or > 256)
        {
            throw new ArgumentException($"U-Net depth must be 1-6 and base width 1-256 (got {Depth}, {BaseWidth}).");
        }
    }

    public int Width(int level) => BaseWidth << level;
}
