namespace TbScreen.Screening.Sites;

/// <summary>A profile version's lifecycle: proposed by a calibration, active once approved, retired when another is approved.</summary>
public static class SiteProfileStates
{
    public const string Proposed = "proposed";
    public const string Active = "active";
    public const string Retired = "retired";
}

/// <summary>
/// One version of a site's operating point: the threshold chosen for <see cref="TargetSensitivity"/> on a labelled
/// sample, what it achieved there with bootstrap CIs, the sample's size and hash, and who approved it. Versions are
/// never changed after creation, except that approval stamps <see cref="ApprovedBy"/> and <see cref="ApprovedAt"/>.
/// </summary>
public sealed record SiteProfile
{
    public required string Site { get; init; }

    public required int Version { get; init; }

    public required string State { get; init; }

    public required double Threshold { get; init; }

    public required double TargetSensitivity { get; init; }

    public double Sensitivity { get; init; }

    public double[]? SensitivityCi { get; init; }

    public double Specificity { get; init; }

    public double[]? SpecificityCi { get; init; }

    public int Positives { get; init; }

    public int Negatives { get; init; }

    /// <summary>SHA-256 of the sample as sorted "score,label" lines (<see cref="SiteSample.Sha256"/>): the same cases give the same hash.</summary>
    public string? SampleSha256 { get; init; }

    /// <summary>"worklist" (radiologist reviews), "upload:NAME" (a labelled CSV) or "file:NAME" (a site.json).</summary>
    public string? SampleSource { get; init; }

    public int Replicates { get; init; }

    public int Seed { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public string? CreatedBy { get; init; }

    public DateTime? CreatedAt { get; init; }

    public string? ApprovedBy { get; init; }

    public DateTime? ApprovedAt { get; init; }

    /// <summary>"Site A v2": how results name the profile that decided them.</summary>
    public string Label => $"{Site} v{Version}";
}
