using System.Globalization;
using TbScreen.Audit;

namespace TbScreen.Screening.Monitoring;

/// <summary>
/// Per site and period: the score distribution against the validation reference (PSI over the reference's
/// deciles, two-sample KS), the positive, flagged, unfamiliar and inverted rates, and the input properties. Pure: the
/// web page and `tbscreen monitor` feed it the same rows and print the same numbers.
/// </summary>
public static class DriftMonitor
{
    /// <summary>The flag reason the out-of-distribution check adds (stored in the result's flag, joined by '+').</summary>
    public const string UnfamiliarFlag = "unfamiliar";

    /// <summary>The flag reason the polarity check adds: the film looks like a photographic negative.</summary>
    public const string InvertedFlag = "inverted";

    /// <summary>Fewer inverted results than this never raise the inverted alert, whatever their share.</summary>
    public const int MinimumInvertedForAlert = 3;

    public static MonitoringReport Compute(IReadOnlyList<MonitoredResult> results, ReferenceScores? reference, ReferenceSummary referenceSummary, MonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<double>? edges = reference is null ? null : DriftStatistics.QuantileEdges(reference.Scores);
        var sites = results
            .GroupBy(r => r.Site ?? SiteMonitoring.NoSite, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(site => new SiteMonitoring(site.Key, site
                .GroupBy(r => MonitoringPeriods.Start(r.At, options.Period))
                .OrderBy(p => p.Key)
                .Select(p => Period(p.Key, p.ToArray(), reference, edges, options))
                .ToArray()))
            .ToArray();
        return new MonitoringReport(referenceSummary, options.Period, options.PsiAlert, options.KsAlert, options.MinimumCases, sites)
        {
            InvertedAlert = options.InvertedAlert,
        };
    }

    private static PeriodMonitoring Period(DateOnly start, MonitoredResult[] rows, ReferenceScores? reference, IReadOnlyList<double>? edges, MonitoringOptions options)
    {
        int n = rows.Length;
        double rate(Func<MonitoredResult, bool> predicate) => rows.Count(predicate) / (double)n;
        double? psi = null, ks = null, ksP = null;
        string? note = null;
        var alerts = new List<string>();
        if (reference is null)
        {
            note = "no validation reference: drift not computed";
        }
        else if (n < options.MinimumCases)
        {
            note = $"{n} results, under the {options.MinimumCases} needed for drift statistics";
        }
        else
        {
            double[] scores = rows.Select(r => r.Score).ToArray();
            psi = DriftStatistics.Psi(reference.Scores, scores, edges!).Psi;
            var test = DriftStatistics.KolmogorovSmirnov(reference.Scores, scores);
            (ks, ksP) = (test.Statistic, test.PValue);
            if (psi > options.PsiAlert)
            {
                alerts.Add(string.Create(CultureInfo.InvariantCulture, $"PSI {psi:0.000} > {options.PsiAlert:0.###}"));
            }

            if (ks > options.KsAlert)
            {
                alerts.Add(string.Create(CultureInfo.InvariantCulture, $"KS {ks:0.000} > {options.KsAlert:0.###}"));
            }
        }

        int inverted = rows.Count(r => HasFlag(r, InvertedFlag));
        if (inverted >= MinimumInvertedForAlert && inverted / (double)n > options.InvertedAlert)
        {
            alerts.Add(string.Create(CultureInfo.InvariantCulture, $"inverted {inverted} of {n} ({inverted / (double)n:0.000}) > {options.InvertedAlert:0.###}: check the export"));
        }

        return new PeriodMonitoring(
            start,
            n,
            rate(r => r.Decision == DecisionText.Tb),
            rate(r => r.Flag is { } f && f != DecisionText.NoFlag),
            rate(r => HasFlag(r, UnfamiliarFlag)),
            psi,
            ks,
            ksP,
            alerts,
            note,
            new InputSummary(
                Count(rows, r => r.Manufacturer),
                Count(rows, r => r.Rows is int h && r.Columns is int w ? $"{w}x{h}" : null),
                Count(rows, r => r.BitsStored?.ToString(CultureInfo.InvariantCulture)),
                Count(rows, r => r.PhotometricInterpretation)))
        {
            InvertedRate = inverted / (double)n,
        };
    }

    private static bool HasFlag(MonitoredResult row, string reason) =>
        row.Flag is { } flag && flag.Split('+').Contains(reason, StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, int> Count(IEnumerable<MonitoredResult> rows, Func<MonitoredResult, string?> key) =>
        rows.GroupBy(r => key(r) is { Length: > 0 } k ? k.Trim() : "unknown", StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
