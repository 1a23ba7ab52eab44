namespace TbScreen.Screening.Monitoring;

/// <summary>One screened result as monitoring sees it: when, which site, score, decision, flag and input properties.</summary>
public sealed record MonitoredResult(
    DateTime At,
    string? Site,
    double Score,
    string? Decision,
    string? Flag,
    string? Manufacturer = null,
    int? Rows = null,
    int? Columns = null,
    int? BitsStored = null,
    string? PhotometricInterpretation = null);

/// <summary>Counts of each value of one input property in a period ("unknown" where the image did not say).</summary>
public sealed record InputSummary(
    IReadOnlyDictionary<string, int> Manufacturers,
    IReadOnlyDictionary<string, int> Sizes,
    IReadOnlyDictionary<string, int> BitsStored,
    IReadOnlyDictionary<string, int> Photometric);

/// <summary>
/// One site in one period. Rates are over the period's screened results: positive (decision tb), flagged (any flag
/// reason), unfamiliar (the "unfamiliar" flag reason), inverted (the "inverted" flag reason). Psi, Ks and KsPValue are against the validation reference;
/// null without a reference or under MinimumCases results (Note says which).
/// </summary>
public sealed record PeriodMonitoring(
    DateOnly Start,
    int N,
    double PositiveRate,
    double FlaggedRate,
    double UnfamiliarRate,
    double? Psi,
    double? Ks,
    double? KsPValue,
    IReadOnlyList<string> Alerts,
    string? Note,
    InputSummary Inputs)
{
    /// <summary>Share whose flag includes "inverted": the film looked like a photographic negative.</summary>
    public double InvertedRate { get; init; }
}

public sealed record SiteMonitoring(string Site, IReadOnlyList<PeriodMonitoring> Periods)
{
    /// <summary>Results with no site (no rule matched and none was chosen) are monitored under this name.</summary>
    public const string NoSite = "(no site)";
}

/// <summary>The reference in use: its file, size and models; null Path when none was found.</summary>
public sealed record ReferenceSummary(string? Path, int Count, string? ModelVersion, string? Problem);

public sealed record MonitoringReport(ReferenceSummary Reference, string Period, double PsiAlert, double KsAlert, int MinimumCases, IReadOnlyList<SiteMonitoring> Sites)
{
    /// <summary>The inverted-share limit in use (<see cref="MonitoringOptions.InvertedAlert"/>).</summary>
    public double InvertedAlert { get; init; } = new MonitoringOptions().InvertedAlert;

    public IEnumerable<(string Site, PeriodMonitoring Period)> Alerts =>
        Sites.SelectMany(s => s.Periods.Where(p => p.Alerts.Count > 0).Select(p => (s.Site, p)));
}
