using System.Text;
using System.Text.Json;
using TbScreen.Inference.Bundles;

namespace TbScreen.Training.Robustness;

/// <summary>Writes robustness.json and its SVG plots into one folder (models/&lt;name&gt;/ when shipped).</summary>
public static class RobustnessFiles
{
    public const string AccuracyPlot = "robustness-accuracy.svg";
    public const string LipschitzPlot = "robustness-lipschitz.svg";
    public const string CorruptionPlot = "robustness-corruptions.svg";

    public static IReadOnlyList<string> PlotNames(RobustnessReport report) =>
        [.. report.Attacks.Count > 0 ? new[] { AccuracyPlot, LipschitzPlot } : [], .. report.Corruptions.Count > 0 ? new[] { CorruptionPlot } : []];

    public static void Write(RobustnessReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, RobustnessSuite.ReportFileName), JsonSerializer.Serialize(report, BundleJson.Options) + "\n");
        if (report.Attacks.Count > 0)
        {
            double clean = report.AttackedClean?.Accuracy ?? report.Clean.Accuracy;
            var accuracy = new List<PlotSeries>
            {
                new("PGD", report.Attacks.Select(a => (a.GreyLevels, a.PgdAccuracy)).Prepend((0.0, clean)).ToArray()),
                new("FGSM", report.Attacks.Select(a => (a.GreyLevels, a.FgsmAccuracy)).Prepend((0.0, clean)).ToArray()),
            };
            Save(directory, AccuracyPlot, RobustnessPlots.LineChart($"{report.Target}: accuracy under attack", "eps (grey levels of 255)", "accuracy at the operating threshold", accuracy, 0, 1));
            var lipschitz = report.Lipschitz.GroupBy(l => l.Output)
                .Select(g => new PlotSeries($"f = {g.Key}", g.Select(l => (l.GreyLevels, l.Mean)).ToArray())).ToArray();
            Save(directory, LipschitzPlot, RobustnessPlots.LineChart($"{report.Target}: empirical local Lipschitz constant", "eps (grey levels of 255)", "mean over attacked images", lipschitz, logY: true));
        }

        if (report.Corruptions.Count > 0)
        {
            double clean = report.Corruptions.FirstOrDefault(c => c.Severity == 0)?.Auc ?? double.NaN;
            var corruption = report.Corruptions.Where(c => c.Severity > 0).GroupBy(c => c.Corruption)
                .Select(g => new PlotSeries(g.Key, g.Select(c => ((double)c.Severity, c.Auc ?? double.NaN)).Prepend((0.0, clean)).ToArray())).ToArray();
            Save(directory, CorruptionPlot, RobustnessPlots.LineChart($"{report.Target}: AUC under natural corruptions", "severity (0 = clean)", "AUC", corruption));
        }
    }

    private static void Save(string directory, string name, string svg) => File.WriteAllText(Path.Combine(directory, name), svg, new UTF8Encoding(false));
}
