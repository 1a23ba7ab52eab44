using System.Globalization;
using System.Text.Json;

namespace TbScreen.Web.Reports;

/// <summary>
/// The headline of models/evaluation/metrics.json as tables: per model (members and ensemble) AUC with its CI,
/// threshold, sensitivity, specificity, PPV, NPV; and the case counts and referral rates. The whole file stays
/// one click away; these are the numbers a reader looks for first.
/// </summary>
public static class EvaluationSummary
{
    private static readonly string[] Measures = ["threshold", "sensitivity", "specificity", "ppv", "npv"];

    public static IReadOnlyList<ReportTable> Tables(JsonElement metrics)
    {
        var tables = new List<ReportTable>();
        if (metrics.ValueKind != JsonValueKind.Object)
        {
            return tables;
        }

        var rows = new List<IReadOnlyList<string>>();
        if (metrics.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Object)
        {
            rows.AddRange(models.EnumerateObject().Select(m => Row(m.Name, m.Value)));
        }

        if (metrics.TryGetProperty("ensemble", out var ensemble) && ensemble.ValueKind == JsonValueKind.Object)
        {
            rows.Add(Row("ensemble", ensemble));
        }

        if (rows.Count > 0)
        {
            tables.Add(new ReportTable("Test split, per model", ["model", "AUC (95% CI)", .. Measures], rows));
        }

        string[] counts = ["n", "tb", "nonTb", "disagreementRate", "uncertainRate", "flaggedRate", "agreedAccuracy",
            "radiologistAugmentedAccuracy", "radiologistAugmentedSensitivity", "radiologistAugmentedSpecificity"];
        var present = counts.Where(c => metrics.TryGetProperty(c, out var v) && v.ValueKind == JsonValueKind.Number).ToList();
        if (present.Count > 0)
        {
            tables.Add(new ReportTable("Test split, cases and referrals", ["measure", "value"],
                present.Select(c => (IReadOnlyList<string>)[c, Number(metrics.GetProperty(c), isCount: c is "n" or "tb" or "nonTb")]).ToList()));
        }

        return tables;
    }

    private static IReadOnlyList<string> Row(string name, JsonElement m)
    {
        string auc = m.TryGetProperty("auc", out var a) && a.ValueKind == JsonValueKind.Number ? Number(a) : "";
        if (m.TryGetProperty("aucCi", out var ci) && ci.ValueKind == JsonValueKind.Array && ci.GetArrayLength() == 2)
        {
            auc += $" ({Number(ci[0])}, {Number(ci[1])})";
        }

        return [name, auc, .. Measures.Select(k => m.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? Number(v) : "")];
    }

    private static string Number(JsonElement e, bool isCount = false) => e.ValueKind == JsonValueKind.Number
        ? e.GetDouble().ToString(isCount ? "0" : "0.0000", CultureInfo.InvariantCulture)
        : "";
}
