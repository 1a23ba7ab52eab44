namespace TbScreen.Inference.Lungs;

/// <summary>Why a mask does not look like two lungs.</summary>
public enum LungCheckFailure
{
    None,

    /// <summary>Fewer than two regions: nothing found, or one blob.</summary>
    TooFewRegions,

    /// <summary>A region is smaller or larger than a lung can plausibly be on a frontal film.</summary>
    ImplausibleArea,

    /// <summary>The two regions are not left and right of the midline at about the same height.</summary>
    NotSideBySide,

    /// <summary>The pair sits away from the image's middle.</summary>
    OffCentre,
}

/// <summary>The plausibility check's verdict: <see cref="Found"/> only when the mask looks like two lungs.</summary>
public sealed record LungCheck(LungCheckFailure Failure, string Reason, IReadOnlyList<MaskComponent> Regions)
{
    public bool Found => Failure == LungCheckFailure.None;
}

/// <summary>
/// "Lungs found" for a frontal chest radiograph: the two largest regions each cover 3-35% of the image, one on each
/// side of the vertical midline, their vertical extents overlap, and the pair's centre lies in the middle of the
/// film (30-70% across, 20-80% down). Catches a wrong body part, a lateral view, a blank or inverted image, and a
/// segmenter that failed; it does not grade the mask's quality.
/// </summary>
public sealed record LungPlausibility
{
    public double MinAreaFraction { get; init; } = 0.03;

    public double MaxAreaFraction { get; init; } = 0.35;

    /// <summary>The pair's centre must lie within this fraction of the width either side of the middle.</summary>
    public double MaxCentreOffsetX { get; init; } = 0.20;

    /// <summary>The pair's centre must lie within this fraction of the height either side of the middle.</summary>
    public double MaxCentreOffsetY { get; init; } = 0.30;

    public static LungPlausibility Default { get; } = new();

    public LungCheck Check(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var regions = MaskComponents.Find(mask);
        if (regions.Count < 2)
        {
            return new LungCheck(LungCheckFailure.TooFewRegions, regions.Count == 0 ? "no lung region" : "one region only, not two lungs", regions);
        }

        var pair = regions.Take(2).OrderBy(r => r.CentreX).ToArray();
        double imageArea = (double)mask.Width * mask.Height;
        foreach (var region in pair)
        {
            double fraction = region.Area / imageArea;
            if (fraction < MinAreaFraction || fraction > MaxAreaFraction)
            {
                return new LungCheck(LungCheckFailure.ImplausibleArea,
                    FormattableString.Invariant($"a region covers {fraction:P1} of the image (a lung: {MinAreaFraction:P0} to {MaxAreaFraction:P0})"), regions);
            }
        }

        double middle = mask.Width / 2.0;
        bool overlapRows = pair[0].Top <= pair[1].Bottom && pair[1].Top <= pair[0].Bottom;
        if (!(pair[0].CentreX < middle && pair[1].CentreX > middle) || !overlapRows)
        {
            return new LungCheck(LungCheckFailure.NotSideBySide, "the two regions are not left and right of the midline at the same height", regions);
        }

        double cx = (pair[0].CentreX + pair[1].CentreX) / 2 / mask.Width, cy = (pair[0].CentreY + pair[1].CentreY) / 2 / mask.Height;
        if (Math.Abs(cx - 0.5) > MaxCentreOffsetX || Math.Abs(cy - 0.5) > MaxCentreOffsetY)
        {
            return new LungCheck(LungCheckFailure.OffCentre,
                FormattableString.Invariant($"the lungs' centre ({cx:P0} across, {cy:P0} down) is not in the middle of the image"), regions);
        }

        return new LungCheck(LungCheckFailure.None, "two lungs found", regions);
    }
}
