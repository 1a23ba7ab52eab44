using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Metrics;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Stability;
using TbScreen.Training.Robustness;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `tbscreen quantize-report --data MANIFEST --split test --split-file models/split.csv --pairs FP32.json:INT8.json[,...]
/// --out DIR`: each float32 ensemble beside its INT8 twin on the same images (docs/quantization.md): AUC with DeLong
/// CI and the paired difference, sensitivity/specificity at each ensemble's own threshold and the INT8 scores at the
/// float32 threshold, the share of changed decisions and the heatmap correlation with float32. With --pgd it runs the
/// white-box PGD / BPDA comparison instead (<see cref="QuantizePgdReport"/>, quantization-pgd.json).
/// </summary>
public static class QuantizeReportCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var models = new Option<string>("--models") { Description = "Folder holding the ensemble files and bundles.", DefaultValueFactory = _ => "models" };
        var data = new Option<string>("--data") { Description = "Manifest CSV or a dataset folder (as for train).", Required = true };
        var split = new Option<string>("--split") { Description = "The split to report (test).", DefaultValueFactory = _ => "test" };
        var splitFile = new Option<string?>("--split-file") { Description = "CSV file,split (e.g. models/split.csv); without it the manifest's split column." };
        var pairs = new Option<string>("--pairs") { Description = "FP32:INT8 ensemble file pairs, comma-separated.", DefaultValueFactory = _ => "ensemble.json:ensemble-int8.json,ensemble-pruned.json:ensemble-pruned-int8.json" };
        var output = new Option<string>("--out", "-o") { Description = "Folder for quantization.json.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads per session.", DefaultValueFactory = _ => 1 };
        var stabilityEps = new Option<string>("--stability-eps") { Description = "Linf radius of the gradient-free attack (StabilityCheck) in [0,1] units, fractions allowed; 0 = off.", DefaultValueFactory = _ => "1/255" };
        var attackDefaults = new QuantizedAttackOptions();
        var qdqArithmetic = new Option<bool>("--qdq-arithmetic") { Description = "Run every session with graph optimisations off, so the INT8 ensembles compute their QDQ arithmetic (what a VNNI CPU's kernels compute) on any CPU, instead of this CPU's fused integer kernels; with --pgd, the INT8 sessions only (the INT8 forward of BPDA, transfer and Lipschitz)." };
        var pgd = new Option<bool>("--pgd") { Description = $"Instead of the screening comparison: PGD and the Lipschitz estimate, white-box on float32, BPDA and transfer on INT8 ({QuantizePgdReport.FileName})." };
        var pgdEps = new Option<string>("--pgd-eps") { Description = "--pgd: Linf radius in [0,1] units, fractions allowed.", DefaultValueFactory = _ => "1/255" };
        var pgdSteps = new Option<int>("--pgd-steps") { Description = "--pgd: PGD iterations (step 2.5 eps / steps, one random start).", DefaultValueFactory = _ => attackDefaults.Pgd.Steps };
        var lipSteps = new Option<int>("--lip-steps") { Description = "--pgd: Lipschitz search steps of 0.003 (Yang et al.: 10).", DefaultValueFactory = _ => attackDefaults.Lipschitz.Steps };
        var seed = new Option<int>("--seed") { Description = "--pgd: seed of the random starts and the Lipschitz noise.", DefaultValueFactory = _ => attackDefaults.Seed };
        var batch = new Option<int>("--batch") { Description = "--pgd: images per attack batch.", DefaultValueFactory = _ => attackDefaults.BatchSize };
        var limit = new Option<int?>("--limit") { Description = "Only the first N images of the split, alternately from each class (quick runs)." };
        var command = new Command("quantize-report", "Float32 ensembles beside their INT8 twins on one split: AUC, decisions, heatmaps; with --pgd, PGD and Lipschitz.")
        {
            models, data, split, splitFile, pairs, output, threads, stabilityEps, qdqArithmetic, pgd, pgdEps, pgdSteps, lipSteps, seed, batch, limit,
        };
        command.SetAction(result => ExitCodes.Guard(stderr, () =>
        {
            // Checked before any data or model is read, so a bad setting costs nothing.
            QuantizedAttackOptions? attack = null;
            if (result.GetValue(pgd))
            {
                attack = attackDefaults with
                {
                    Epsilon = ParseFraction(result.GetValue(pgdEps)!, "--pgd-eps"),
                    Pgd = attackDefaults.Pgd with { Steps = result.GetValue(pgdSteps) },
                    Lipschitz = attackDefaults.Lipschitz with { Steps = result.GetValue(lipSteps) },
                    Seed = result.GetValue(seed),
                    BatchSize = result.GetValue(batch),
                    Threads = Math.Max(1, result.GetValue(threads)),
                    QdqArithmetic = result.GetValue(qdqArithmetic),
                };
                try
                {
                    attack.Validate();
                }
                catch (ArgumentException e)
                {
                    throw new UsageException(e.Message);
                }
            }

            string manifest = InputFiles.RequireData(result.GetValue(data)!);
            var rows = ManifestReader.Filter(ManifestReader.Read(manifest), result.GetValue(split)!, result.GetValue(splitFile), manifest);
            if (result.GetValue(limit) is int n)
            {
                if (n < 2) throw new UsageException("--limit must be at least 2");
                rows = RobustnessSuite.Interleaved(rows, n);
            }

            var pairList = result.GetValue(pairs)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.Split(':') is { Length: 2 } f ? (f[0], f[1]) : throw new UsageException($"--pairs entry '{p}' is not FP32.json:INT8.json")).ToArray();
            if (attack is not null)
            {
                return QuantizePgdReport.Run(result.GetValue(models)!, manifest, result.GetValue(split)!, result.GetValue(splitFile), rows, result.GetValue(limit), pairList, attack,
                    result.GetValue(output)!, stdout, stderr);
            }

            var radiographs = rows.Select(r => RadiographFiles.Load(r.Path)).ToList();
            bool[] labels = rows.Select(r => r.IsTb).ToArray();
            bool exact = result.GetValue(qdqArithmetic);
            var options = new InferenceOptions { IntraOpThreads = Math.Max(1, result.GetValue(threads)), QdqArithmetic = exact };
            double eps = ParseFraction(result.GetValue(stabilityEps)!);
            var stability = eps > 0 ? new StabilityOptions { Enabled = true, Epsilon = eps } : null;
            var reports = new List<object>();
            stdout.WriteLine($"{rows.Count} images, split '{result.GetValue(split)}'; INT8 {Int8Kernels.Arithmetic(exact)}. Research use only, not a medical device.");
            stdout.WriteLine("| ensemble | AUC (95% CI, DeLong) | threshold | sensitivity | specificity | INT8 at FP32 threshold: sens / spec | decisions changed | heatmap r (mean, min) |");
            stdout.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (fp32File, int8File) in pairList)
            {
                var fp32 = Screen(result.GetValue(models)!, fp32File, options, stability, radiographs);
                var int8 = Screen(result.GetValue(models)!, int8File, options, stability, radiographs);
                reports.Add(Compare(fp32File, int8File, fp32, int8, labels, stdout));
            }

            var report = new
            {
                note = "Research use only, not a medical device. Float32 ensembles beside their INT8 twins on the same images (docs/quantization.md).",
                manifest = Path.GetFileName(manifest),
                split = result.GetValue(split),
                images = rows.Count,
                positives = labels.Count(l => l),
                int8Arithmetic = Int8Kernels.Arithmetic(exact),
                robustnessMethod = stability is null ? null : $"Gradient-free: StabilityCheck (random corners of the Linf ball, then SPSA sign steps, seed {stability.Seed}, {stability.QueriesPerImage} queries per image at most) at eps {eps:0.######}, the same search for float32 and INT8. White-box PGD needs gradients, which an INT8 ONNX graph does not give, and the float32 checkpoints whose PGD perturbations could be transferred are not on this machine. lipschitz = |p(worst) - p(clean)| / eps, a lower bound on the local Lipschitz constant in Linf (the search stops at the first flip).",
                pairs = reports,
            };
            OutputFiles.Write(Path.Combine(result.GetValue(output)!, "quantization.json"), JsonSerializer.SerializeToUtf8Bytes(report, Json));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static double ParseFraction(string text, string option = "--stability-eps")
    {
        string[] parts = text.Split('/');
        bool ok = double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double value);
        if (parts.Length == 2) ok &= double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 && (value /= d) >= 0;
        if (!ok || parts.Length > 2 || value is < 0 or > 1) throw new UsageException($"{option} '{text}' is not a number or fraction in [0, 1]");
        return value;
    }

    private static List<ScreeningResult> Screen(string models, string ensembleFile, InferenceOptions options, StabilityOptions? stability, List<Radiograph> radiographs)
    {
        using var ensemble = TbEnsemble.Load(models, options, null, ensembleFile);
        var screener = new RadiographScreener(ensemble, stability);
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
        var robustA = Robustness(fp32, labels);
        var robustB = Robustness(int8, labels);
        string Ci(AucEstimate e) => $"{F(e.Auc)} ({F(e.CiLow)}-{F(e.CiHigh)})";
        string Heat() => correlations.Length == 0 ? "n/a" : $"{F(correlations.Average())}, {F(correlations.Min())}";
        stdout.WriteLine($"| {fp32Name} | {Ci(aucA)} | {F(thresholdA)} | {F(atOwnA.Sensitivity)} | {F(atOwnA.Specificity)} | | | |");
        stdout.WriteLine($"| {int8Name} | {Ci(aucB)} | {F(thresholdB)} | {F(atOwnB.Sensitivity)} | {F(atOwnB.Specificity)} | {F(int8AtFp32.Sensitivity)} / {F(int8AtFp32.Specificity)} | {changed}/{labels.Length} ({F(100.0 * changed / labels.Length)} %) | {Heat()} |");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  AUC difference INT8 - FP32: {paired.AucB - paired.AucA:+0.0000;-0.0000} (paired DeLong p = {paired.PValue:0.000}), mean |dp| {a.Zip(b, (x, y) => Math.Abs(x - y)).Average():0.0000}"));
        if (robustA is not null && robustB is not null)
        {
            stdout.WriteLine($"  gradient-free attack at eps {F(fp32[0].Decision.Stability!.Epsilon * 255)}/255: calls flipped FP32 {robustA.Flipped}, INT8 {robustB.Flipped}; robust accuracy FP32 {F(robustA.RobustAccuracy)}, INT8 {F(robustB.RobustAccuracy)}; " +
                $"Lipschitz lower bound mean/max FP32 {F(robustA.LipschitzMean)}/{F(robustA.LipschitzMax)}, INT8 {F(robustB.LipschitzMean)}/{F(robustB.LipschitzMax)}");
        }

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
            robustness = robustA is null ? null : new { fp32 = robustA, int8 = robustB },
        };
    }

    private sealed record RobustnessSummary(double Epsilon, int Flipped, double FlippedShare, double RobustAccuracy, double LipschitzMean, double LipschitzMax);

    /// <summary>Calls flipped by the gradient-free search, accuracy of the calls that held, and |p(worst) - p| / eps.</summary>
    private static RobustnessSummary? Robustness(List<ScreeningResult> results, bool[] labels)
    {
        if (results.Any(r => r.Decision.Stability is null)) return null;
        double eps = results[0].Decision.Stability!.Epsilon;
        int flipped = results.Count(r => r.Decision.Stability!.Flipped);
        int robust = results.Where((r, i) => !r.Decision.Stability!.Flipped && r.Decision.IsTb == labels[i]).Count();
        var lipschitz = results.Select(r => Math.Abs(r.Decision.Stability!.WorstProbability - r.Decision.Probability) / eps).ToArray();
        return new RobustnessSummary(eps, flipped, (double)flipped / results.Count, (double)robust / results.Count, lipschitz.Average(), lipschitz.Max());
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
