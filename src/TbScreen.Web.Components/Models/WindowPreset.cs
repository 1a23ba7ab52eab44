namespace TbScreen.Web.Components.Models;

/// <summary>
/// A named window (centre/width in the image's display values). Null centre and width mean "the file's own window"
/// (its VOI, or the server's default), which the image URL builder receives as (null, null).
/// </summary>
public sealed record WindowPreset(string Name, double? Center, double? Width)
{
    /// <summary>
    /// Default (the file's own window), Lung (a narrower, higher-contrast window over the darker part of the range,
    /// where aerated lung lies on a MONOCHROME2 display) and Full (the whole range, no clipping).
    /// </summary>
    public static IReadOnlyList<WindowPreset> Standard(double rangeMin, double rangeMax)
    {
        if (!(rangeMax > rangeMin))
        {
            throw new ArgumentOutOfRangeException(nameof(rangeMax), rangeMax, $"the range maximum must exceed the minimum ({rangeMin})");
        }

        double span = rangeMax - rangeMin;
        return
        [
            new("Default", null, null),
            new("Lung", Math.Round(rangeMin + 0.4 * span), Math.Round(0.5 * span)),
            new("Full", Math.Round(rangeMin + span / 2), Math.Round(span)),
        ];
    }
}
