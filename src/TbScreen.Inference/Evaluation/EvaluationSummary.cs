using System.Globalization;
using System.Text;

namespace TbScreen.Inference.Evaluation;

/// <summary>
/// The text summary of an evaluation, within-source first. A source that holds both classes (one hospital's TB and
/// normal films) is the honest measure of TB detection; the pooled AUC over sources whose classes come from
/// different hospitals measures how far apart the hospitals are, so it is printed last and only with that caveat.
/// </summary>
public static class EvaluationSummary
{
    public const string PooledCaveat =
        "pooled over sources whose TB and normal films come from different hospitals: this AUC measures the hospital as much as TB";

    public static string Format(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        if (report.BothClassSourceNames.Count > 0)
        {
            text.AppendLine("within source (TB and normal from one hospital):");
            foreach (string name in report.BothClassSourceNames)
            {
                text.AppendLine(Invariant($"  {name}: {Line(report.BySource[name])}"));
            }
        }

        var single = report.BySource.Where(kv => !report.BothClassSourceNames.Contains(kv.Key)).ToList();
        if (single.Count > 0)
        {
            // One class only: AUC is undefined; the rate of that class is what can be read.
            text.AppendLine("single-class sources (no AUC): " + string.Join("; ", single.Select(kv => Invariant(
                $"{kv.Key} {kv.Value.N} {(kv.Value.Tb > 0 ? "TB, sensitivity" : "not TB, specificity")} {Rate(kv.Value.Tb > 0 ? kv.Value.Ensemble.Sensitivity : kv.Value.Ensemble.Specificity)}"))));
        }

        bool confounded = single.Count > 0 && report.BySource.Count > 1;
        text.Append(confounded ? $"{PooledCaveat}: " : "overall: ");
        text.AppendLine(Invariant($"ensemble AUC {Auc(report.Ensemble)}"));
        text.Append(Invariant($"evaluated {report.N} images ({report.Tb} TB, {report.NonTb} not TB, {report.Failures.Count} failed)"));
        if (report.TestTimeViews > 1)
        {
            text.Append(Invariant($"; each member scored {report.TestTimeViews} views per image (test-time augmentation)"));
        }

        return text.ToString();
    }

    private static string Line(GroupMetrics group) => Invariant(
        $"n {group.N} ({group.Tb} TB): ensemble AUC {Auc(group.Ensemble)}, sensitivity {Rate(group.Ensemble.Sensitivity)}, specificity {Rate(group.Ensemble.Specificity)} at threshold {group.Ensemble.Threshold:0.000}; flagged {Rate(group.FlaggedRate)}");

    private static string Auc(ScoreMetrics metrics) => metrics.Auc is double a
        ? Invariant($"{a:0.000} [{metrics.AucCi![0]:0.000}, {metrics.AucCi[1]:0.000}]")
        : $"n/a ({metrics.AucNullReason})";

    private static string Rate(double? value) => value is double v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
