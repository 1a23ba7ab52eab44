namespace TbScreen.Audit;

/// <summary>fairness.json's dashboard tables (see <see cref="ReportTable"/>): groups, gaps and per-group thresholds.</summary>
public static class FairnessTables
{
    public static IReadOnlyList<ReportTable> For(FairnessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var groups = ReportTable.Create($"Subgroup performance at the operating point ({report.OperatingPoint})",
            ["group", "n", "TB", "prevalence", "AUC [95% CI]", "TPR [95% CI]", "FPR [95% CI]", "PPV", "NPV", "ECE", "small?"],
            report.Groups.Select(g => (IReadOnlyList<string>)
            [
                g.Name, TableFormat.Integer(g.N), TableFormat.Integer(g.Positives), TableFormat.Number(g.Prevalence),
                g.Auc is null ? $"- ({g.AucNullReason})" : TableFormat.WithCi(g.Auc, g.AucCi),
                TableFormat.WithCi(g.Tpr, g.TprCi), TableFormat.WithCi(g.Fpr, g.FprCi), TableFormat.Number(g.Ppv), TableFormat.Number(g.Npv),
                TableFormat.Number(g.Ece), g.SmallGroup ? "small" : "",
            ]));
        var gaps = ReportTable.Create("Gaps against each attribute's reference group (group - reference)",
            ["attribute", "group", "reference", "metric", "gap [95% CI]", "min. detectable", "interpretable", "note"],
            report.Gaps.Select(g => (IReadOnlyList<string>)
            [
                g.Attribute, g.Group, g.Reference, g.Metric, TableFormat.WithCi(g.Value, g.Ci), TableFormat.Number(g.MinimumDetectableDifference),
                g.Interpretable ? "yes" : "no", g.Note ?? "",
            ]));
        var thresholds = ReportTable.Create("Per-group threshold for the target sensitivity, and its cost in specificity",
            ["group", "target", "threshold", "sensitivity", "specificity", "operating sens.", "operating spec.", "specificity cost", "note"],
            report.Thresholds.Select(t => (IReadOnlyList<string>)
            [
                $"{t.Attribute}={t.Value}", TableFormat.Number(t.TargetSensitivity, "0.00"), TableFormat.Number(t.Threshold, "0.0000"),
                TableFormat.Number(t.Sensitivity), TableFormat.Number(t.Specificity), TableFormat.Number(t.OperatingSensitivity),
                TableFormat.Number(t.OperatingSpecificity), TableFormat.Number(t.SpecificityCost), t.NullReason ?? "",
            ]));
        return [groups, gaps, thresholds];
    }

    public static IReadOnlyList<ReportTable> For(CompositionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return
        [
            ReportTable.Create("Group composition (demographics file, no images: no scores)", ["group", "n", "TB", "prevalence", "small?"],
                report.Groups.Select(g => (IReadOnlyList<string>)
                [
                    $"{g.Attribute}={g.Value}", TableFormat.Integer(g.N), TableFormat.Integer(g.Positives), TableFormat.Number(g.Prevalence), g.SmallGroup ? "small" : "",
                ])),
        ];
    }

    /// <summary>One line: n, and the largest interpretable equal-opportunity and equalised-odds gaps.</summary>
    public static string Summary(FairnessReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string Largest(string metric) => report.Gaps.Where(g => g.Metric == metric && g.Interpretable && g.Value is not null)
            .OrderByDescending(g => Math.Abs(g.Value!.Value)).Select(g => $"{g.Attribute}={g.Group} vs {g.Reference} {TableFormat.WithCi(g.Value, g.Ci)}")
            .FirstOrDefault() ?? "none interpretable";
        return $"{report.N} cases ({report.Positives} TB), {report.Groups.Count} groups. Largest TPR gap: {Largest(GapNames.EqualOpportunity)}; " +
            $"largest equalised-odds gap: {Largest(GapNames.EqualisedOdds)}. {report.Gaps.Count(g => !g.Interpretable)} of {report.Gaps.Count} gaps are not interpretable (small groups).";
    }
}
