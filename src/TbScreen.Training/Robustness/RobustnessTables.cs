using System.Globalization;

namespace TbScreen.Training.Robustness;

/// <summary>The report's preformatted tables: what the dashboard's model page renders as is.</summary>
public static class RobustnessTables
{
    public static IReadOnlyList<ReportTable> Build(RobustnessReport report)
    {
        var tables = new List<ReportTable>
        {
            new("Clean performance (test split, ONNX Runtime)",
                ["Target", "Images (TB)", "AUC (95% CI, DeLong)", "Threshold", "Accuracy", "Sensitivity", "Specificity"],
                [[report.Target, $"{report.Data.Images} ({report.Data.Tb})", AucText(report.Clean.Auc, report.Clean.AucCi), F(report.Threshold, 4),
                    F(report.Clean.Accuracy, 3), F(report.Clean.Sensitivity, 3), F(report.Clean.Specificity, 3)]]),
        };

        if (report.Attacks.Count > 0 && report.Settings is { } settings)
        {
            var baseline = report.AttackedClean;
            tables.Add(new ReportTable($"Robust accuracy at the operating threshold (Linf attacks on the true label; {report.Data.AttackedImages} images attacked, {report.Data.AttackedTb} TB; clean accuracy on them {F(baseline?.Accuracy ?? double.NaN, 3)})",
                ["eps ([0,1])", "eps (grey levels /255)", "FGSM accuracy", $"PGD-{settings.PgdSteps} accuracy", "PGD step", "Flipped by PGD"],
                report.Attacks.Select(a => (IReadOnlyList<string>)[F(a.Epsilon, 5), F(a.GreyLevels, 2), F(a.FgsmAccuracy, 3), F(a.PgdAccuracy, 3), F(a.PgdStepSize, 5), a.Flipped.ToString(CultureInfo.InvariantCulture)]).ToArray()));
            tables.Add(new ReportTable("Empirical local Lipschitz constant (Yang et al. 2020): mean over images of max ||f(x)-f(x')||_1 / ||x-x'||_inf",
                ["eps (/255)", "f", "Search", "Mean (95% bootstrap CI)", "Median", "Max", "Mean where robust", "Mean where not robust", "AUC of L for not robust (95% CI)"],
                report.Lipschitz.Select(l => (IReadOnlyList<string>)[F(l.GreyLevels, 2), l.Output, $"{l.Steps} x {F(l.StepSize, 4)}", $"{G(l.Mean)} [{G(l.MeanCi[0])}, {G(l.MeanCi[1])}]",
                    G(l.Median), G(l.Max), l.MeanWhereRobust is double r ? G(r) : "-", l.MeanWhereFlipped is double f ? G(f) : "-",
                    l.NotRobustAuc is double auc ? AucText(auc, l.NotRobustAucCi) : "-"]).ToArray()));
        }

        if (report.Corruptions.Count > 0)
        {
            tables.Add(new ReportTable("Natural corruptions (ONNX Runtime, seeded)",
                ["Corruption", "Severity", "Parameter", "AUC", "Accuracy"],
                report.Corruptions.Select(c => (IReadOnlyList<string>)[c.Corruption, c.Severity.ToString(CultureInfo.InvariantCulture), c.Severity == 0 ? "-" : G(c.Parameter),
                    c.Auc is double auc ? F(auc, 3) : "n/a", F(c.Accuracy, 3)]).ToArray()));
        }

        if (report.PruningComparison is { } comparison)
        {
            tables.Add(new ReportTable($"Pruned vs dense ({comparison.Dense}), paired on the same {comparison.PairedImages} images: pruned minus dense",
                ["eps (/255)", "Measure", "Dense", "Pruned", "Difference (95% CI)"],
                comparison.Lipschitz.Concat(comparison.RobustAccuracy).Select(d => (IReadOnlyList<string>)[F(d.Epsilon * 255, 2), d.Measure, G(d.Dense), G(d.Pruned),
                    $"{G(d.Difference)} [{G(d.DifferenceCi[0])}, {G(d.DifferenceCi[1])}]"]).ToArray()));
        }

        tables.Add(new ReportTable("Checkpoint proof (TorchSharp vs ONNX Runtime on real images)",
            ["Bundle", "Checkpoint", "SHA-256", "Parity images", "Max |dP|", "Tolerance"],
            report.Checkpoints.Select(c => (IReadOnlyList<string>)[c.Bundle, Path.GetFileName(c.Checkpoint), c.CheckpointSha256[..12], c.ParityImages.ToString(CultureInfo.InvariantCulture),
                c.ParityMaxDifference.ToString("0.0e+0", CultureInfo.InvariantCulture), c.Tolerance.ToString("0e+0", CultureInfo.InvariantCulture)]).ToArray()));
        return tables;
    }

    private static string AucText(double? auc, IReadOnlyList<double>? ci) =>
        auc is double a ? ci is { Count: 2 } ? $"{F(a, 3)} [{F(ci[0], 3)}, {F(ci[1], 3)}]" : F(a, 3) : "n/a";

    private static string F(double value, int digits) => double.IsFinite(value) ? value.ToString("F" + digits, CultureInfo.InvariantCulture) : "n/a";

    private static string G(double value) => double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
}
