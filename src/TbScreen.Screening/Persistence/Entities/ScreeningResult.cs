namespace TbScreen.Screening.Persistence.Entities;

/// <summary>
/// One screening of one image by one model version, failures included. (<see cref="DedupeKey"/>, ModelVersion) is
/// unique, so the same image is never screened twice by the same models, even by racing uploads.
/// </summary>
public sealed class ScreeningResult
{
    public long Id { get; set; }

    public long? ImageId { get; set; }

    public Image? Image { get; set; }

    /// <summary>The image key; null when the outcome must not be reused (processing-failed may be transient) or has no identity.</summary>
    public string? DedupeKey { get; set; }

    public required string ModelVersion { get; set; }

    /// <summary>The path or upload name the result was computed from.</summary>
    public required string Source { get; set; }

    public string? ContentSha256 { get; set; }

    public string? SopInstanceUid { get; set; }

    /// <summary>Another image with other pixels already held this SOP Instance UID when the result was stored.</summary>
    public bool UidConflict { get; set; }

    /// <summary>ok or an error code (ScreeningStatusCodes).</summary>
    public required string Status { get; set; }

    public string? Error { get; set; }

    public double? AlexNetProbability { get; set; }

    public double? GoogLeNetProbability { get; set; }

    public double? EnsembleProbability { get; set; }

    /// <summary>JSON object of member name → probability.</summary>
    public string? MemberProbabilitiesJson { get; set; }

    public string? Decision { get; set; }

    public string? Flag { get; set; }

    public string? FlagReason { get; set; }

    /// <summary>The site the image was assigned to by the site rules; null when none matched.</summary>
    public string? SiteName { get; set; }

    /// <summary>The site profile version that decided; null when the shipped threshold did.</summary>
    public int? SiteProfileVersion { get; set; }

    /// <summary>The ensemble threshold the decision was taken at (the profile's or the shipped one).</summary>
    public double? DecisionThreshold { get; set; }

    /// <summary>The rule that assigned the site, e.g. "station: XR-2".</summary>
    public string? SiteMatchedBy { get; set; }

    public int? HeatmapWidth { get; set; }

    public int? HeatmapHeight { get; set; }

    /// <summary>Width x Height float32 little-endian values in [0, 1], row-major.</summary>
    public byte[]? Heatmap { get; set; }

    public double? IngestMs { get; set; }

    public double? PreprocessMs { get; set; }

    public double? InferenceMs { get; set; }

    public double? EnsembleMs { get; set; }

    public double? HeatmapMs { get; set; }

    public double ElapsedMs { get; set; }

    public DateTime CreatedAt { get; set; }

    public List<Review> Reviews { get; set; } = [];
}
