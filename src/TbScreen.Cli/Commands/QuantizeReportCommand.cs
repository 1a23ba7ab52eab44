using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.Runtime;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen quantize-report --data MANIFEST --split test --split-file models/split.csv --pairs FP32.json:INT8.json[,...]
/// --out DIR`: each float32 ensemble beside its INT8 twin on the same images (docs/quantization.md): AUC with DeLong
/// CI and the paired difference, sensitivity/specificity at each ensemble's own threshold and the INT8 scores at the
/// float32 threshold, the share of changed decisions and the heatmap correlation with float32.
/// </summary>
public static class QuantizeReportCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string>("--models") { Description = "Folder holding the ensemble files and bundles.", DefaultValueFactory = _ => "models" };
        var data = new Option<string>("--data") { Description = "Manifest CSV.", Required = true };
        var split = new Option<string>("--split") { Description = "The split to report (test).", DefaultValueFactory = _ => "test" };
        var splitFile = new Option<string?>("--split-file") { Description = "CSV file,split (e.g. models/split.csv); without it the manifest's split column." };
        var pairs = new Option<string>("--pairs") { Description = "FP32:INT8 ensemble file pairs, comma-separated.", DefaultValueFactory = _ => "ensemble.json:ensemble-int8.json,ensemble-pruned.json:ensemble-pruned-int8.json" };
        var output = new Option<string>("--out", "-o") { Description = "Folder for quantization.json.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads per session.", DefaultValueFactory = _ => 1 };
        var command = new Command("quantize-report", "Float32 ensembles beside their INT8 twins on one split: AUC, decisions, heatmaps.")
        {
            models, data, split, splitFile, pairs, output, threads,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            string manifest = InputFiles.Require(result.GetValue(data)!);
            var rows = ManifestReader.Filter(ManifestReader.Read(manifest), result.GetValue(split)!, result.GetValue(splitFile), manifest);
            var radiographs = rows.Select(r => RadiographFiles.Load(r.Path)).ToList();
            bool[] labels = rows.Select(r => r.IsTb).ToArray();
            var options = new InferenceOptions { IntraOpThreads = Math.Max(1, result.GetValue(threads)) };
            var reports = new List<object>();
            stdout.WriteLine($"{rows.Count} images, split '{result.GetValue(split)}'. Research use only, not a medical device.");
            stdout.WriteLine("| ensemble | AUC (95% CI, DeLong) | threshold | sensitivity | specificity | INT8 at FP32 threshold: sens / spec | decisions changed | heatmap r (mean, min) |");
            stdout.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (string pair in result.GetValue(pairs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] files = pair.Split(':');
                if (files.Length != 2) throw new UsageException($"--pairs entry '{pair}' is not FP32.json:INT8.json");
                var fp32 = Screen(result.GetValue(models)!, files[0], options, radiographs);
                var int8 = Screen(result.GetValue(models)!, files[1], options, radiographs);
                reports.Add(Compare(files[0], files[1], fp32, int8, labels, stdout));
            }

            var report = new
            {
                note = "Research use only, not a medical device. Float32 ensembles beside their INT8 twins on the same images (docs/quantization.md).",
                manifest = Path.GetFileName(manifest),
                split = result.GetValue(split),
                images = rows.Count,
                positives = labels.Count(l => l),
                pairs = reports,
            };
            OutputFiles.Write(Path.Combine(result.GetValue(output)!, "quantization.json"), JsonSerializer.SerializeToUtf8Bytes(report, Json));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static List<ScreeningResult> Screen(string models, string ensembleFile, InferenceOptions options, List<Radiograph> radiographs)
    {
        using var ensemble = TbEnsemble.Load(models, options, null, ensembleFile);
        var screener = new RadiographScreener(ensemble);
        var results = new List<ScreeningResult>(radiographs.Count);
        foreach (var chunk in radiographs.Chunk(8)) results.AddRange(screener.ScreenBatch(chunk, withHeatmap: true));
        return results;
    }

    private static object Compare(string fp32Name, string int8Name, List<ScreeningResult> fp32, List<ScreeningResult> int8, bool[] labels, TextWriter stdout)
    {
        double[] a = fp32.Select(r => r.Decision.Probability).ToArray(), b = int8.Select(r => r.Decision.Probability).ToArray();
        var aucA = DeLong.Estimate(new ScoredCases(a, labels));
        var aucB = DeLong.Estimate(new ScoredCases(b, labels));
        var paired = DeLong.Compare(a, b, labels);
        double thresholdA = fp32[0].Decision.Threshold, thresholdB = int8[0].Decision.Threshold;
        var atOwnA = ConfusionMatrix.FromDecisions(fp32.Select(r => r.Decision.IsTb).ToArray(), labels);
        var atOwnB = ConfusionMatrix.FromDecisions(int8.Select(r => r.Decision.IsTb).ToArray(), labels);
        var int8AtFp32 = ConfusionMatrix.At(new ScoredCases(b, labels), thresholdA);
        int changed = fp32.Zip(int8, (x, y) => x.Decision.IsTb != y.Decision.IsTb).Count(c => c);
        int flagsChanged = fp32.Zip(int8, (x, y) => x.Decision.Flags != y.Decision.Flags).Count(c => c);
        var correlations = fp32.Zip(int8, (x, y) => x.Heatmap is { } hx && y.Heatmap is { } hy ? Pearson(hx.Values, hy.Values) : double.NaN).Where(r => !double.IsNaN(r)).ToArray();
        string F(double? v) => v is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
        string Ci(AucEstimate e) => $"{F(e.Auc)} ({F(e.CiLow)}-{F(e.CiHigh)})";
        string Heat() => correlations.Length == 0 ? "n/a" : $"{F(correlations.Average())}, {F(correlations.Min())}";
        stdout.WriteLine($"| {fp32Name} | {Ci(aucA)} | {F(thresholdA)} | {F(atOwnA.Sensitivity)} | {F(atOwnA.Specificity)} | | | |");
        stdout.WriteLine($"| {int8Name} | {Ci(aucB)} | {F(thresholdB)} | {F(atOwnB.Sensitivity)} | {F(atOwnB.Specificity)} | {F(int8AtFp32.Sensitivity)} / {F(int8AtFp32.Specificity)} | {changed}/{labels.Length} ({F(100.0 * changed / labels.Length)} %) | {Heat()} |");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  AUC difference INT8 - FP32: {paired.AucB - paired.AucA:+0.0000;-0.0000} (paired DeLong p = {paired.PValue:0.000}), mean |dp| {a.Zip(b, (x, y) => Math.Abs(x - y)).Average():0.0000}"));
        return new
        {
            fp32 = new { ensemble = fp32Name, auc = aucA, threshold = thresholdA, sensitivity = atOwnA.Sensitivity, specificity = atOwnA.Specificity },
            int8 = new
            {
                ensemble = int8Name,
                auc = aucB,
                threshold = thresholdB,
                sensitivity = atOwnB.Sensitivity,
                specificity = atOwnB.Specificity,
                atFp32Threshold = new { sensitivity = int8AtFp32.Sensitivity, specificity = int8AtFp32.Specificity },
            },
            aucDifference = paired.AucB - paired.AucA,
            pairedDeLongP = paired.PValue,
            meanAbsoluteProbabilityDifference = a.Zip(b, (x, y) => Math.Abs(x - y)).Average(),
            decisionsChanged = changed,
            decisionsChangedShare = (double)changed / labels.Length,
            flagsChanged,
            heatmapCorrelation = correlations.Length == 0 ? null : new { mean = correlations.Average(), min = correlations.Min(), images = correlations.Length },
        };
    }

    internal static double Pearson(float[] x, float[] y)
    {
        double mx = x.Average(v => (double)v), my = y.Average(v => (double)v), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
