using System.Globalization;
using System.Text.Json;
using TbScreen.Inference;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Evaluation;
using TbScreen.Training.Robustness;

namespace TbScreen.Cli.Commands;

/// <summary>
/// `quantize-report --pgd`: PGD robust accuracy, calls flipped and the Lipschitz estimate of each float32 ensemble
/// beside its INT8 twin (white-box FP32, BPDA and transfer on INT8; <see cref="QuantizedRobustness"/>), written to
/// DIR/quantization-pgd.json and printed as a table.
/// </summary>
internal static class QuantizePgdReport
{
    public const string FileName = "quantization-pgd.json";

    public static int Run(string models, string manifest, string split, string? splitFile, IReadOnlyList<ManifestRow> rows, int? limit,
        IReadOnlyList<(string Fp32, string Int8)> pairs, QuantizedAttackOptions options, string outDir, TextWriter stdout, TextWriter stderr)
    {
        var started = DateTime.UtcNow;
        void Progress(string line) => stderr.WriteLine($"[{DateTime.UtcNow - started:hh\\:mm\\:ss}] {line}");
        string firstBundle = BundleTargets.LoadEnsemble(Path.Combine(models, pairs[0].Fp32)).Members[0].Bundle;
        var contract = ModelBundle.ReadMetadata(Path.Combine(models, firstBundle)).Input!;
        Progress($"preprocessing {rows.Count} images");
        var data = RobustnessData.Load(rows, contract, options.Threads);
        foreach (var failure in data.Failures) Progress($"skipped {failure}");
        var results = new List<QuantizedPairResult>();
        try
        {
            using var run = new QuantizedRobustness(models, data, options, Progress);
            foreach (var (fp32, int8) in pairs) results.Add(run.Compare(fp32, int8));
        }
        catch (RobustnessException e)
        {
            stderr.WriteLine($"tbscreen: {e.Message}");
            return ExitCodes.ModelError;
        }

        var file = new QuantizedRobustnessFile(
            "Research use only, not a medical device. PGD and the empirical local Lipschitz constant of float32 ensembles beside their INT8 twins on the same images (docs/quantization.md).",
            Path.GetFileName(manifest), split, splitFile is null ? null : Path.GetFileName(splitFile), data.Count, data.Labels.Count(l => l),
            limit is int n ? $"the first {n} images of the split, taken alternately from each class" : "every image of the split",
            QuantizedAttackSettings.From(options), results);
        OutputFiles.Write(Path.Combine(outDir, FileName), JsonSerializer.SerializeToUtf8Bytes(file, BundleJson.Options));
        stdout.WriteLine($"{data.Count} images ({file.Positives} TB), split '{split}', eps {options.Epsilon * 255:0.##}/255, PGD-{options.Pgd.Steps}, Lipschitz {options.Lipschitz.Steps} x {options.Lipschitz.StepSize}, seed {options.Seed}. Research use only.");
        stdout.WriteLine($"INT8 graphs ran on {file.Cpu.Model} ({(file.Cpu.Flags.Count == 0 ? "flags unknown" : string.Join(" ", file.Cpu.Flags))}), {file.Settings.Int8Arithmetic}" +
            (options.QdqArithmetic ? "." : "; without VNNI, ONNX Runtime's U8S8 kernels may saturate (--qdq-arithmetic computes the graphs' own arithmetic)."));
        stdout.WriteLine("| ensemble | attack | clean accuracy | PGD robust accuracy | calls flipped | Lipschitz (probabilities) mean [95% CI] / max |");
        stdout.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (var pair in results)
        {
            foreach (var s in new[] { pair.Fp32WhiteBox, pair.Int8Bpda, pair.Int8Transfer })
            {
                string lip = s.Lipschitz is { } l ? string.Create(CultureInfo.InvariantCulture, $"{l.Mean:0.00} [{l.MeanCi[0]:0.00}, {l.MeanCi[1]:0.00}] / {l.Max:0.00}") : "";
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Target} | {s.Method} | {s.CleanAccuracy:0.000} | {s.RobustAccuracy:0.000} | {s.Flipped} of {Math.Round(s.CleanAccuracy * s.Images)} correct | {lip} |"));
            }
        }

        foreach (var pair in results)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{pair.Int8Ensemble} - {pair.Fp32Ensemble}: robust accuracy {pair.RobustAccuracyDifference.Mean:+0.000;-0.000} [{pair.RobustAccuracyDifference.Ci[0]:0.000}, {pair.RobustAccuracyDifference.Ci[1]:0.000}], Lipschitz {pair.LipschitzDifference.Mean:+0.00;-0.00} [{pair.LipschitzDifference.Ci[0]:0.00}, {pair.LipschitzDifference.Ci[1]:0.00}] (paired bootstrap 95% CI)"));
        }

        stdout.WriteLine($"wrote {Path.Combine(outDir, FileName)}");
        return ExitCodes.Success;
    }
}
