using TbScreen.Audit;
using TbScreen.Audit.Probe;

namespace TbScreen.Training.Experiments;

/// <summary>probe.json's dashboard tables.</summary>
public static class ProbeTables
{
    public static IReadOnlyList<ReportTable> For(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var probes = ReportTable.Create("Shortcut probe: can the penultimate features tell the group? (patient-grouped CV)",
            ["model", "target", "subset", "n", "classes (n)", "accuracy [95% CI]", "majority baseline", "balanced accuracy [95% CI]", "chance", "high?"],
            report.Probes.Select(p => (IReadOnlyList<string>)
            [
                p.Model, p.Target, p.Subset, TableFormat.Integer(p.N),
                string.Join("; ", p.Classes.Select((c, i) => $"{c} ({p.ClassCounts[i]})")),
                TableFormat.WithCi(p.Accuracy, p.AccuracyCi), TableFormat.Number(p.MajorityBaseline),
                TableFormat.WithCi(p.BalancedAccuracy, p.BalancedAccuracyCi), TableFormat.Number(p.Chance), p.High ? "HIGH: shortcut risk" : "no",
            ]));
        var parity = ReportTable.Create("Checkpoint vs shipped ONNX (P(TB) parity)", ["model", "checkpoint", "bundle", "images", "max |dP|", "match"],
            report.Parity.Select(p => (IReadOnlyList<string>)[p.Model, p.Checkpoint, p.Bundle, TableFormat.Integer(p.Images), p.MaxAbsDifference.ToString("E2", System.Globalization.CultureInfo.InvariantCulture), p.Matches ? "yes" : "NO"]));
        return [probes, parity];
    }

    public static string Summary(ProbeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var high = report.Probes.Where(p => p.High).Select(p => $"{p.Model}: {p.Target} ({p.Subset}) {p.BalancedAccuracy:0.00}").ToList();
        return high.Count == 0
            ? "No probe separates its groups clearly above chance."
            : $"Shortcut risk: the features separate {string.Join("; ", high)} (balanced accuracy).";
    }
}
