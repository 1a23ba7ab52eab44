namespace TbScreen.Screening.Monitoring;

/// <summary>Drift monitoring (section "Monitoring"): the alert limits, the period and where the reference lives.</summary>
public sealed class MonitoringOptions
{
    public const string SectionName = "Monitoring";

    /// <summary>Alert when the PSI against the reference exceeds this (0.25: the usual "significant shift").</summary>
    public double PsiAlert { get; set; } = 0.25;

    /// <summary>Alert when the two-sample KS statistic D exceeds this.</summary>
    public double KsAlert { get; set; } = 0.2;

    /// <summary>
    /// Alert when more than this share of a period's results look inverted (and at least
    /// <see cref="DriftMonitor.MinimumInvertedForAlert"/> do): a site whose export produces negatives. The polarity
    /// check calls 0.14% of correctly displayed films inverted (docs/segmentation.md), so 5% is not chance.
    /// </summary>
    public double InvertedAlert { get; set; } = 0.05;

    /// <summary>Below this many results in a period, PSI and KS are not computed (too noisy to act on).</summary>
    public int MinimumCases { get; set; } = 30;

    /// <summary>"week" (ISO weeks, Monday first, UTC) or "day".</summary>
    public string Period { get; set; } = MonitoringPeriods.Week;

    /// <summary>The validation reference, relative to the models folder unless absolute.</summary>
    public string ReferenceFile { get; set; } = Audit.ReferenceScores.DefaultRelativePath;
}

public static class MonitoringPeriods
{
    public const string Week = "week";
    public const string Day = "day";

    /// <summary>The first day of the period <paramref name="at"/> (UTC) falls in.</summary>
    public static DateOnly Start(DateTime at, string period)
    {
        var day = DateOnly.FromDateTime(at);
        return period switch
        {
            Day => day,
            Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            _ => throw new ArgumentException($"monitoring period '{period}' must be 'week' or 'day'", nameof(period)),
        };
    }
}
