using System.Text;
using System.Text.Json;
using TbScreen.Audit;

namespace TbScreen.Cli.Commands;

/// <summary>Writes the audit's files: fairness.json, groups.csv, gaps.csv, thresholds.csv, report.html and rates-ATTRIBUTE.svg.</summary>
internal static class AuditOutputs
{
    public const string JsonFileName = "fairness.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(string outDir, FairnessReport report)
    {
        OutputFiles.Write(Path.Combine(outDir, JsonFileName), JsonSerializer.SerializeToUtf8Bytes(report, Json));
        OutputFiles.Write(Path.Combine(outDir, "groups.csv"), Csv(AuditCsv.Groups(report.Groups)));
        OutputFiles.Write(Path.Combine(outDir, "gaps.csv"), Csv(AuditCsv.Gaps(report.Gaps)));
        OutputFiles.Write(Path.Combine(outDir, "thresholds.csv"), Csv(AuditCsv.Thresholds(report.Thresholds)));
        OutputFiles.Write(Path.Combine(outDir, "report.html"), Encoding.UTF8.GetBytes(AuditHtml.Render(report)));
        foreach (string attribute in report.Groups.Select(g => g.Attribute).Distinct().Where(a => !a.Contains(SubgroupBuilder.IntersectionSeparator, StringComparison.Ordinal)))
        {
            // The same plots as report.html, as files the dashboard can show and offer for download.
            OutputFiles.Write(Path.Combine(outDir, $"rates-{attribute}.svg"), Encoding.UTF8.GetBytes(
                RatePlot.TprFpr(report.Groups.Where(g => g.Attribute == attribute).ToList(), $"TPR and FPR by {attribute} (95% Wilson CI)")));
        }
    }

    public static void WriteComposition(string outDir, CompositionReport report)
    {
        OutputFiles.Write(Path.Combine(outDir, JsonFileName), JsonSerializer.SerializeToUtf8Bytes(report, Json));
        OutputFiles.Write(Path.Combine(outDir, "groups.csv"), Csv(AuditCsv.Composition(report.Groups)));
    }

    /// <summary>Every CSV opens with the PS3.15 statement (issue 17), as the job export does.</summary>
    private static byte[] Csv(string table) => Encoding.UTF8.GetBytes(ExportNotices.CsvLine(ExportNotices.Fairness) + table);
}
