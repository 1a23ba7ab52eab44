using System.Globalization;
using System.Net;
using System.Text;

namespace TbScreen.Audit;

/// <summary>The self-contained report.html: banner, caveats, inline SVG plots and the three tables.</summary>
public static class AuditHtml
{
    public static string Render(FairnessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TbScreen fairness audit</title>\n");
        html.Append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,td:nth-child(2){text-align:left}.banner{background:#b00020;color:white;padding:8px;font-weight:bold}.caveat{background:#fff3cd;padding:8px}.small{color:#999}</style>\n");
        html.Append("</head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"banner\">{E(report.Notice)}</div>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"deidentification\">{E(report.Deidentification)}</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Fairness audit</h1><p>{report.N} cases, {report.Positives} TB. Operating point: {E(report.OperatingPoint)}. Minimum group size {report.MinimumGroupSize}; {report.BootstrapReplicates} bootstrap replicates, seed {report.Seed}; age bands {E(report.AgeBands)}.</p>\n");
        foreach (string caveat in report.DataCaveats)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"caveat\">{E(caveat)}</p>\n");
        }

        foreach (var attribute in report.Groups.Select(g => g.Attribute).Distinct())
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(attribute)}</h2>\n");
            html.Append(RatePlot.TprFpr(report.Groups.Where(g => g.Attribute == attribute).ToList(), $"TPR and FPR by {attribute} (95% Wilson CI)"));
        }

        html.Append("<h2>Groups</h2>\n").Append(Table(
            ["group", "n", "TB", "prevalence", "AUC [95% CI]", "TPR", "FPR", "PPV", "NPV", "ECE"],
            report.Groups.Select(g => new[] { g.Name + (g.SmallGroup ? " (small group)" : ""), I(g.N), I(g.Positives), F(g.Prevalence),
                g.Auc is double a ? $"{F(a)} [{F(g.AucCi?[0])}, {F(g.AucCi?[1])}]" : "n/a: " + g.AucNullReason,
                F(g.Tpr), F(g.Fpr), F(g.Ppv), F(g.Npv), F(g.Ece) })));
        html.Append("<h2>Gaps against the reference group</h2>\n<p>Value = group - reference (equalised odds: the larger absolute TPR or FPR gap). A gap smaller than the minimum detectable difference (MDD) could not have been detected with these group sizes.</p>\n").Append(Table(
            ["group", "reference", "metric", "gap [95% CI]", "MDD", "note"],
            report.Gaps.Select(g => new[] { $"{g.Attribute}={g.Group}", g.Reference, g.Metric,
                g.Value is double v ? $"{F(v)} [{F(g.Ci?[0])}, {F(g.Ci?[1])}]" : "n/a", F(g.MinimumDetectableDifference), g.Note ?? "" })));
        html.Append("<h2>Per-group threshold for sensitivity &gt;= target</h2>\n").Append(Table(
            ["group", "threshold", "sensitivity", "specificity", "operating specificity", "specificity cost", "note"],
            report.Thresholds.Select(t => new[] { $"{t.Attribute}={t.Value}", F(t.Threshold), F(t.Sensitivity), F(t.Specificity), F(t.OperatingSpecificity), F(t.SpecificityCost), t.NullReason ?? "" })));
        if (report.SkippedIntersections.Count > 0)
        {
            html.Append("<h2>Skipped intersections</h2>\n<ul>\n");
            foreach (var s in report.SkippedIntersections)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(s.Attribute)}: {E(s.Reason)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        return html.Append("</body></html>\n").ToString();
    }

    private static string Table(string[] header, IEnumerable<string[]> rows)
    {
        var table = new StringBuilder("<table><tr>");
        table.AppendJoin("", header.Select(h => $"<th>{E(h)}</th>"));
        table.Append("</tr>\n");
        foreach (var row in rows)
        {
            table.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{E(c)}</td>")).Append("</tr>\n");
        }

        return table.Append("</table>\n").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(double? v) => v is double d ? d.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
