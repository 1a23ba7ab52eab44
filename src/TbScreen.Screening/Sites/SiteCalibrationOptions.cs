namespace TbScreen.Screening.Sites;

/// <summary>How site profiles are calibrated (section "Sites"): bootstrap size and seed, and the default target.</summary>
public sealed class SiteCalibrationOptions
{
    public const string SectionName = "Sites";

    /// <summary>Sensitivity the proposed threshold must reach when the admin names none (WHO's 0.90 for TB CAD triage).</summary>
    public double DefaultTargetSensitivity { get; set; } = 0.90;

    /// <summary>Bootstrap replicates for the CIs (as `tbscreen site-calibrate`'s default).</summary>
    public int BootstrapReplicates { get; set; } = 1000;

    public int BootstrapSeed { get; set; } = 1;
}
