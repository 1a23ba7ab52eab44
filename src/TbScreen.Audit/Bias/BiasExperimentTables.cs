namespace TbScreen.Audit.Bias;

/// <summary>The bias experiment as dashboard tables: one row per model and evaluation labelling.</summary>
public static class BiasExperimentTables
{
    public static IReadOnlyList<ReportTable> For(BiasExperimentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string[] columns = ["model", "label bias", "selection bias", "evaluated on", "n (TB)", "accuracy [95% CI]", "AUC [95% CI]", "TPR gap [CI]", "equalised odds [CI]", "demographic parity [CI]"];
        var rows = report.Settings
            .SelectMany(s => new[] { s.Biased, s.Clean }.Select(e => (IReadOnlyList<string>)
            [
                s.Name,
                TableFormat.Number(s.LabelBias, "0.00"),
                TableFormat.Number(s.SelectionBias, "0.00"),
                e.Labels + " labels",
                $"{TableFormat.Integer(e.N)} ({TableFormat.Integer(e.Positives)})",
                TableFormat.WithCi(e.Accuracy, e.AccuracyCi),
                TableFormat.WithCi(e.Auc, e.AucCi),
                TableFormat.WithCi(e.TprGap, e.TprGapCi),
                TableFormat.WithCi(e.EqualisedOdds, e.EqualisedOddsCi),
                TableFormat.WithCi(e.DemographicParity, e.DemographicParityCi),
            ]));
        var training = report.Settings.Select(s => (IReadOnlyList<string>)
        [
            s.Name,
            TableFormat.Integer(s.GroupPositivesTrain),
            TableFormat.Integer(s.FlippedTrain),
            TableFormat.Integer(s.DroppedTrain),
            s.BestEpoch is int e ? TableFormat.Integer(e) : "-",
            TableFormat.Number(s.BestValAuc),
        ]);
        return
        [
            ReportTable.Create($"Label-bias experiment, group {report.Group} vs rest (gaps = group - rest, threshold {TableFormat.Number(report.Threshold, "0.00")})", columns, rows),
            ReportTable.Create("Bias injected into training (train + validation splits)",
                ["model", "group positives (train+val)", "flipped to negative", "dropped", "best epoch", "best val AUC (biased val labels)"], training),
        ];
    }

    public static string Summary(BiasExperimentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var baseline = report.Settings.FirstOrDefault(s => s.LabelBias == 0 && s.SelectionBias == 0);
        var worst = report.Settings.OrderByDescending(s => s.LabelBias).ThenByDescending(s => s.SelectionBias).FirstOrDefault();
        if (baseline is null || worst is null || ReferenceEquals(baseline, worst))
        {
            return $"{report.Settings.Count} models, group {report.Group}.";
        }

        return $"{report.Settings.Count} models, group {report.Group}. From no bias to {worst.Name}: accuracy on biased labels " +
            $"{TableFormat.Number(baseline.Biased.Accuracy)} -> {TableFormat.Number(worst.Biased.Accuracy)}, on clean labels " +
            $"{TableFormat.Number(baseline.Clean.Accuracy)} -> {TableFormat.Number(worst.Clean.Accuracy)}; equalised-odds gap on biased labels " +
            $"{TableFormat.Number(baseline.Biased.EqualisedOdds)} -> {TableFormat.Number(worst.Biased.EqualisedOdds)}, on clean labels " +
            $"{TableFormat.Number(baseline.Clean.EqualisedOdds)} -> {TableFormat.Number(worst.Clean.EqualisedOdds)}.";
    }
}
