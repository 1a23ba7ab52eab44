using System.Globalization;
using System.Text;

namespace TbScreen.Screening.Monitoring;

/// <summary>The monitoring report as plain text: what `tbscreen monitor` prints (the dashboard shows the same numbers).</summary>
public static class MonitoringText
{
    public const string Banner = "# TbScreen monitoring: research use only, not a medical device.";

    public static string Format(MonitoringReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine(Banner);
        var r = report.Reference;
        text.AppendLine(r.Path is { } path && r.Problem is null
            ? $"reference: {path} ({r.Count} scores{(r.ModelVersion is { } v ? $", models {v}" : "")})"
            : $"reference: none ({r.Problem}); drift not computed");
        text.AppendLine(Invariant($"limits: PSI > {report.PsiAlert:0.###}, KS > {report.KsAlert:0.###}, at least {report.MinimumCases} results a period; inverted > {report.InvertedAlert:0.###}; period {report.Period}"));
        text.AppendLine(Invariant($"{"site",-20} {"period",-10} {"n",6} {"positive",8} {"flagged",8} {"unfamil.",8} {"inverted",8} {"PSI",7} {"KS",6} {"KS p",7}  alerts"));
        foreach (var site in report.Sites)
        {
            foreach (var p in site.Periods)
            {
                text.AppendLine(Invariant($"{site.Site,-20} {p.Start:yyyy-MM-dd} {p.N,6} {p.PositiveRate,8:0.000} {p.FlaggedRate,8:0.000} {p.UnfamiliarRate,8:0.000} {p.InvertedRate,8:0.000} {Num(p.Psi, "0.000"),7} {Num(p.Ks, "0.000"),6} {Num(p.KsPValue, "0.0000"),7}  {string.Join("; ", p.Alerts)}").TrimEnd());
                text.AppendLine($"  inputs: {Inputs(p.Inputs)}");
                if (p.Note is { } note)
                {
                    text.AppendLine($"  note: {note}");
                }
            }
        }

        var alerts = report.Alerts.ToArray();
        text.AppendLine(alerts.Length == 0
            ? "alerts: none"
            : $"alerts: {alerts.Length} ({string.Join("; ", alerts.Select(a => $"{a.Site} {a.Period.Start:yyyy-MM-dd}: {string.Join(", ", a.Period.Alerts)}"))})");
        return text.ToString();
    }

    public static string Inputs(InputSummary inputs) =>
        $"manufacturer {Counts(inputs.Manufacturers)}; size {Counts(inputs.Sizes)}; bits stored {Counts(inputs.BitsStored)}; photometric {Counts(inputs.Photometric)}";

    public static string Num(double? value, string format = "0.000") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Counts(IReadOnlyDictionary<string, int> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
