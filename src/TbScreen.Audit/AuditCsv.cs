using System.Globalization;
using System.Text;

namespace TbScreen.Audit;

/// <summary>groups.csv, gaps.csv and thresholds.csv: RFC 4180, invariant culture, empty field for null.</summary>
public static class AuditCsv
{
    public static string Groups(IReadOnlyList<GroupMetrics> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var csv = new StringBuilder("attribute,value,n,positives,negatives,prevalence,auc,auc_ci_low,auc_ci_high,auc_null_reason,tpr,tpr_ci_low,tpr_ci_high,fpr,fpr_ci_low,fpr_ci_high,ppv,npv,positive_rate,ece,small_group\n");
        foreach (var g in groups)
        {
            Row(csv, g.Attribute, g.Value, g.N, g.Positives, g.Negatives, g.Prevalence, g.Auc, g.AucCi?[0], g.AucCi?[1], g.AucNullReason,
                g.Tpr, g.TprCi?[0], g.TprCi?[1], g.Fpr, g.FprCi?[0], g.FprCi?[1], g.Ppv, g.Npv, g.PositiveRate, g.Ece, g.SmallGroup);
        }

        return csv.ToString();
    }

    public static string Gaps(IReadOnlyList<GapMetrics> gaps)
    {
        ArgumentNullException.ThrowIfNull(gaps);
        var csv = new StringBuilder("attribute,group,reference,metric,value,ci_low,ci_high,minimum_detectable_difference,interpretable,note\n");
        foreach (var g in gaps)
        {
            Row(csv, g.Attribute, g.Group, g.Reference, g.Metric, g.Value, g.Ci?[0], g.Ci?[1], g.MinimumDetectableDifference, g.Interpretable, g.Note);
        }

        return csv.ToString();
    }

    public static string Thresholds(IReadOnlyList<GroupThreshold> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var csv = new StringBuilder("attribute,value,target_sensitivity,threshold,sensitivity,specificity,operating_sensitivity,operating_specificity,specificity_cost,null_reason\n");
        foreach (var t in thresholds)
        {
            Row(csv, t.Attribute, t.Value, t.TargetSensitivity, t.Threshold, t.Sensitivity, t.Specificity, t.OperatingSensitivity, t.OperatingSpecificity, t.SpecificityCost, t.NullReason);
        }

        return csv.ToString();
    }

    public static string Composition(IReadOnlyList<GroupComposition> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var csv = new StringBuilder("attribute,value,n,positives,prevalence,small_group\n");
        foreach (var g in groups)
        {
            Row(csv, g.Attribute, g.Value, g.N, g.Positives, g.Prevalence, g.SmallGroup);
        }

        return csv.ToString();
    }

    private static void Row(StringBuilder csv, params object?[] fields)
    {
        csv.AppendJoin(',', fields.Select(Field));
        csv.Append('\n');
    }

    private static string Field(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.######", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\n']) >= 0 => "\"" + s.Replace("\"", "\"\"") + "\"",
        _ => value.ToString() ?? "",
    };
}
