namespace TbScreen.Screening.Storage;

/// <summary>How long source images stay in the content store; bound from "TbScreen:Retention".</summary>
public sealed class RetentionOptions
{
    /// <summary>Source images older than this are deleted; results, scores and heatmap metadata stay.</summary>
    public int SourceImageDays { get; set; } = 30;

    /// <summary>How often the purge runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Turning retention off keeps every source image for ever (a documented, deliberate choice).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>At least one day, and an interval of at least one second.</summary>
    public bool IsValid => SourceImageDays >= 1 && Interval >= TimeSpan.FromSeconds(1);
}
