using TbScreen.Inference;
using System.Text;
using System.Text.Json;
using TbScreen.Audit;
using TbScreen.Audit.Bias;

namespace TbScreen.Training.Experiments;

/// <summary>The dashboard envelope: `tables` and `summary` first, then the full experiment.</summary>
public sealed record BiasExperimentDocument(IReadOnlyList<ReportTable> Tables, string Summary, string? ModelVersion, BiasExperimentReport Experiment);

/// <summary>Writes bias-experiment.json, bias-experiment.csv and the three accuracy-vs-gap SVG plots.</summary>
public static class BiasExperimentOutputs
{
    public const string JsonFileName = "bias-experiment.json";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(string outDir, BiasExperimentReport report, string? modelVersion = null)
    {
        var tables = BiasExperimentTables.For(report);
        var document = new BiasExperimentDocument(tables, BiasExperimentTables.Summary(report), modelVersion, report);
        OutputFiles.Write(Path.Combine(outDir, JsonFileName), JsonSerializer.SerializeToUtf8Bytes(document, Json));
        OutputFiles.Write(Path.Combine(outDir, "bias-experiment.csv"), Encoding.UTF8.GetBytes(TableCsv.Render(tables[0])));
        OutputFiles.Write(Path.Combine(outDir, "bias-accuracy-vs-equalised-odds.svg"), Encoding.UTF8.GetBytes(BiasPlot.AccuracyVsGap(report, e => e.EqualisedOdds, "equalised-odds gap")));
        OutputFiles.Write(Path.Combine(outDir, "bias-accuracy-vs-tpr-gap.svg"), Encoding.UTF8.GetBytes(BiasPlot.AccuracyVsGap(report, e => e.TprGap, "TPR gap")));
        OutputFiles.Write(Path.Combine(outDir, "bias-accuracy-vs-parity.svg"), Encoding.UTF8.GetBytes(BiasPlot.AccuracyVsGap(report, e => e.DemographicParity, "demographic-parity gap")));
    }
}
