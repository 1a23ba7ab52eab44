namespace TbScreen.Screening.Persistence.Entities;

/// <summary>
/// One calibration of a site: immutable once written (a new calibration is a new version) except for the approval
/// stamp. The sample is kept as scores and labels only (no file names, no patient data) so the ROC can be redrawn.
/// </summary>
public sealed class SiteProfileVersion
{
    public long Id { get; set; }

    public long SiteId { get; set; }

    public Site? Site { get; set; }

    public int Version { get; set; }

    public double Threshold { get; set; }

    public double TargetSensitivity { get; set; }

    public double Sensitivity { get; set; }

    public double? SensitivityLow { get; set; }

    public double? SensitivityHigh { get; set; }

    public double Specificity { get; set; }

    public double? SpecificityLow { get; set; }

    public double? SpecificityHigh { get; set; }

    public int Positives { get; set; }

    public int Negatives { get; set; }

    public required string SampleSha256 { get; set; }

    public required string SampleSource { get; set; }

    /// <summary>JSON array of [score, 0|1] pairs.</summary>
    public required string SampleJson { get; set; }

    public int Replicates { get; set; }

    public int Seed { get; set; }

    /// <summary>JSON array of warning sentences (e.g. under 30 cases per class).</summary>
    public string? WarningsJson { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public string? ApprovedBy { get; set; }

    public DateTime? ApprovedAt { get; set; }
}
