using System.Globalization;
using System.Runtime.InteropServices;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx.Quantization;
using TbScreen.Training.Quantization;

/// <summary>
/// FP32 against INT8 (U8S8 and S8S8) against pruned FP32 and pruned INT8, per net and for the ensemble, in one run:
/// ONNX Runtime CPU at 1 intra-op thread, batch 1 (p50/p95) and batch 8 (images/s). Timed runs alternate between all
/// models, so a change in machine load hits every one alike. The INT8 bundles ship one activation type; the other
/// (S8S8 or U8S8) is rebuilt in memory from the same recorded ranges and float32 layers (quantization.json), so both
/// are the same quantisation apart from the activation type; a reduced-range U8S8 twin ([-64, 64] weights, the
/// remedy for CPUs without VNNI) is rebuilt likewise. An ensemble's time is the sum of its members' times in
/// the same round (the members run one after the other on one thread).
/// </summary>
internal static class QuantizationBenchmark
{
    private sealed record Variant(string Net, string Kind, byte[] Model, string[] Outputs, int Size, long Bytes);

    public static int Run(string models, int threads, int iterations)
    {
        var variants = new List<Variant>();
        foreach (var (net, pruned) in new[] { ("alexnet", "alexnet-pruned"), ("googlenet", "googlenet") })
        {
            var fp32 = ModelBundle.Load(Path.Combine(models, net));
            var int8 = ModelBundle.Load(Path.Combine(models, net + "-int8"));
            variants.Add(Of(fp32, "FP32"));
            variants.AddRange(Int8Pair(fp32, int8));
            if (pruned != net)
            {
                var prunedFp32 = ModelBundle.Load(Path.Combine(models, pruned));
                variants.Add(Of(prunedFp32, "pruned FP32"));
                variants.Add(Of(ModelBundle.Load(Path.Combine(models, pruned + "-int8")), "pruned INT8 " + ActivationName(ModelBundle.Load(Path.Combine(models, pruned + "-int8")))));
            }
        }

        var runners = variants.Select(v => new OnnxGraphRunner(v.Model, threads)).ToList();
        try
        {
            Console.WriteLine($"# Quantization benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; " +
                $"ONNX Runtime CPU, {threads} intra-op thread(s), {iterations} timed runs per model and batch size after 3 warm-ups, models interleaved");
            Console.WriteLine();
            var single = variants.Select(_ => new List<double>()).ToArray();
            var eight = variants.Select(_ => new List<double>()).ToArray();
            var inputs = variants.Select(v => (One: RandomInput(1, v.Size), Eight: RandomInput(8, v.Size))).ToList();
            for (int run = -3; run < iterations; run++)
            {
                for (int i = 0; i < variants.Count; i++)
                {
                    var v = variants[i];
                    double t1 = Timing.Milliseconds(() => runners[i].Run(inputs[i].One, [1, 3, v.Size, v.Size], v.Outputs));
                    double t8 = Timing.Milliseconds(() => runners[i].Run(inputs[i].Eight, [8, 3, v.Size, v.Size], v.Outputs));
                    if (run < 0) continue;
                    single[i].Add(t1);
                    eight[i].Add(t8);
                }
            }

            Console.WriteLine("| net | model | model.onnx MB | p50 ms (batch 1) | p95 ms (batch 1) | images/s (batch 8) | speed-up vs FP32 (batch 1) | speed-up vs FP32 (batch 8) |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var net in variants.Select(v => v.Net).Distinct())
            {
                int baseline = variants.FindIndex(v => v.Net == net && v.Kind == "FP32");
                for (int i = 0; i < variants.Count; i++)
                {
                    if (variants[i].Net != net) continue;
                    Row(net, variants[i].Kind, variants[i].Bytes / 1e6, single[i], eight[i], single[baseline], eight[baseline]);
                }
            }

            // Ensembles: per-round sums of the members' times.
            List<double> Sum(List<double>[] times, params int[] members) => Enumerable.Range(0, iterations).Select(r => members.Sum(m => times[m][r])).ToList();
            int Find(string net, string kindPrefix) => variants.FindIndex(v => v.Net == net && v.Kind.StartsWith(kindPrefix, StringComparison.Ordinal));
            var ensembles = new List<(string Kind, int A, int G)>
            {
                ("FP32", Find("alexnet", "FP32"), Find("googlenet", "FP32")),
                ("INT8 U8S8", Find("alexnet", "INT8 U8S8"), Find("googlenet", "INT8 U8S8")),
                ("INT8 S8S8", Find("alexnet", "INT8 S8S8"), Find("googlenet", "INT8 S8S8")),
                ("INT8 U8S8 reduced range", Find("alexnet", ReducedRangeKind), Find("googlenet", ReducedRangeKind)),
                ("pruned FP32", Find("alexnet", "pruned FP32"), Find("googlenet", "FP32")),
                ("pruned INT8", Find("alexnet", "pruned INT8"), Find("googlenet", variants.First(v => v.Kind.StartsWith("pruned INT8", StringComparison.Ordinal)).Kind.Replace("pruned ", "", StringComparison.Ordinal))),
            };
            var fp32One = Sum(single, ensembles[0].A, ensembles[0].G);
            var fp32Eight = Sum(eight, ensembles[0].A, ensembles[0].G);
            var speedUps = new Dictionary<string, double>();
            foreach (var (kind, a, g) in ensembles)
            {
                var one = Sum(single, a, g);
                Row("ensemble", $"{kind} ({variants[a].Kind} alexnet{(kind.StartsWith("pruned", StringComparison.Ordinal) ? "-pruned" : "")} + {variants[g].Kind} googlenet)", (variants[a].Bytes + variants[g].Bytes) / 1e6,
                    one, Sum(eight, a, g), fp32One, fp32Eight);
                speedUps[kind] = Timing.Quantile(fp32One, 0.5) / Timing.Quantile(one, 0.5);
            }

            string shipped = ensembles[1].Kind;
            Console.WriteLine();
            Console.WriteLine("Speed-ups are p50 at batch 1 against the dense FP32 ensemble; the INT8 line is the shipped activation type (U8S8).");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pruned-int8/fp32 ensemble speed-up: {speedUps["pruned INT8"]:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"int8/fp32 ensemble speed-up: {speedUps[shipped]:F2}"));
            return 0;
        }
        finally
        {
            runners.ForEach(r => r.Dispose());
        }
    }

    private static void Row(string net, string kind, double mb, List<double> one, List<double> eight, List<double> baseOne, List<double> baseEight)
    {
        double p50 = Timing.Quantile(one, 0.5);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {net} | {kind} | {mb:F1} | {p50:F1} | {Timing.Quantile(one, 0.95):F1} | {8000 / Timing.Quantile(eight, 0.5):F1} | {Timing.Quantile(baseOne, 0.5) / p50:F2}x | {Timing.Quantile(baseEight, 0.5) / Timing.Quantile(eight, 0.5):F2}x |"));
    }

    private const string ReducedRangeKind = "INT8 U8S8 reduced range (rebuilt)";

    private static string ActivationName(ModelBundle int8) => int8.Metadata.Quantization?.Activations == "int8" ? "S8S8" : "U8S8";

    /// <summary>The shipped INT8 bundle and its twin with the other activation type, from the same ranges and float32 layers.</summary>
    private static IEnumerable<Variant> Int8Pair(ModelBundle fp32, ModelBundle int8)
    {
        var q = int8.Metadata.Quantization ?? throw new InvalidOperationException($"{int8.Directory} has no quantization metadata");
        var twinType = q.Activations == "int8" ? ActivationType.UInt8 : ActivationType.Int8;
        byte[] twin = QdqQuantizer.Quantize(File.ReadAllBytes(fp32.OnnxPath), new QdqOptions
        {
            Ranges = QuantizedBundle.ReadRanges(int8.Directory),
            Activations = twinType,
            KeepFloat = q.FloatLayers.ToHashSet(StringComparer.Ordinal),
        });
        var shipped = Of(int8, "INT8 " + ActivationName(int8));
        var other = shipped with { Kind = "INT8 " + (twinType == ActivationType.Int8 ? "S8S8" : "U8S8") + " (rebuilt)", Model = twin, Bytes = twin.LongLength };
        // And U8S8 with reduced-range weights (exact on CPUs without VNNI), to time what such a host would serve.
        byte[] reduced = QdqQuantizer.Quantize(File.ReadAllBytes(fp32.OnnxPath), new QdqOptions
        {
            Ranges = QuantizedBundle.ReadRanges(int8.Directory),
            Activations = ActivationType.UInt8,
            KeepFloat = q.FloatLayers.ToHashSet(StringComparer.Ordinal),
            ReduceRange = true,
        });
        var reducedRange = shipped with { Kind = ReducedRangeKind, Model = reduced, Bytes = reduced.LongLength };
        return twinType == ActivationType.Int8 ? [shipped, other, reducedRange] : [other, shipped, reducedRange];
    }

    private static Variant Of(ModelBundle bundle, string kind)
    {
        var names = bundle.Metadata.Onnx;
        string[] outputs = [names.Probability, .. names.Cam is null ? Array.Empty<string>() : [names.Cam], .. names.Features is null ? Array.Empty<string>() : [names.Features]];
        string net = bundle.Metadata.Architecture;
        return new Variant(net, kind, File.ReadAllBytes(bundle.OnnxPath), outputs, bundle.Metadata.Input!.Size, new FileInfo(bundle.OnnxPath).Length);
    }

    private static float[] RandomInput(int batch, int size)
    {
        var random = new Random(batch);
        return Enumerable.Range(0, batch * 3 * size * size).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }
}
