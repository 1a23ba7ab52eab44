namespace TbScreen.Training.Segmentation;

/// <summary>
/// Geometry that differs between hospitals rather than between patients: how much of the body the film shows and
/// its aspect. Shenzhen films are square and framed alike; another hospital's may be portrait (Montgomery's
/// 4020x4892) or show more of the abdomen, so after the letterbox the lungs sit smaller and off-square.
/// Off by default, so a run without it draws exactly the random numbers it drew before.
/// </summary>
public sealed record FieldOfViewOptions
{
    /// <summary>With probability one half, the image shrinks by a further factor drawn from [1 - this, 1] (black around it).</summary>
    public double ZoomOut { get; init; }

    /// <summary>Width and height stretched by (1 + a) and 1 / (1 + a), a drawn from ±this.</summary>
    public double Aspect { get; init; }

    public bool Enabled => ZoomOut > 0 || Aspect > 0;

    public void Validate()
    {
        if (ZoomOut is < 0 or > 0.5 || Aspect is < 0 or > 0.3 || double.IsNaN(ZoomOut) || double.IsNaN(Aspect))
        {
            throw new ArgumentException($"--zoom-out must be in [0, 0.5] and --aspect in [0, 0.3] (got {ZoomOut}, {Aspect}).");
        }
    }
}
