namespace TbScreen.Training.Augmentation;

/// <summary>
/// Ranges for the seeded augmentation of the [0,1] gray image. Geometric ranges are small because chest
/// radiographs are taken in a standard position. There is deliberately no horizontal flip: anatomy is not
/// left-right symmetric (heart and aortic knob on the left, liver dome on the right, the left hilum higher),
/// the image side markers are burned in, and a flipped film shows situs inversus, which a screener should
/// not learn as normal. Intensity jitter fights the shortcut of recognising a site by its processing.
/// </summary>
public sealed record AugmentationOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Rotation drawn from ±this many degrees.</summary>
    public double RotationDegrees { get; init; } = 7;

    /// <summary>Scale drawn from 1 ± this fraction.</summary>
    public double Scale { get; init; } = 0.08;

    /// <summary>Translation drawn from ±this fraction of the image size, per axis.</summary>
    public double Translate { get; init; } = 0.08;

    /// <summary>Additive brightness drawn from ±this (gray is [0,1]).</summary>
    public double Brightness { get; init; } = 0.08;

    /// <summary>Contrast factor around the image mean drawn from 1 ± this.</summary>
    public double Contrast { get; init; } = 0.15;

    /// <summary>Gamma drawn log-uniformly from [1/this, this].</summary>
    public double Gamma { get; init; } = 1.25;

    public static AugmentationOptions None { get; } = new() { Enabled = false };

    public void Validate()
    {
        if (RotationDegrees is < 0 or > 45 || Scale is < 0 or >= 0.5 || Translate is < 0 or >= 0.5
            || Brightness is < 0 or > 0.5 || Contrast is < 0 or >= 1 || Gamma < 1 || Gamma > 3)
        {
            throw new ArgumentException("Augmentation ranges out of bounds (rotation 0-45°, scale/translate <0.5, brightness <=0.5, contrast <1, gamma 1-3).");
        }
    }
}
