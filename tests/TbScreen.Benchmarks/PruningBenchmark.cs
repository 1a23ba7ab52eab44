using System.Globalization;
using System.Runtime.InteropServices;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;

/// <summary>
/// Dense against structured-pruned against unstructured-sparse bundles in one run: model.onnx size (and gzip),
/// ONNX Runtime CPU latency at batch 1 (p50/p95) and throughput at batch 8. Timed runs alternate between the
/// bundles, so a change in machine load hits all of them alike.
/// </summary>
internal static class PruningBenchmark
{
    public static int Run(IReadOnlyList<string> bundleDirectories, int threads, int iterations)
    {
        var bundles = bundleDirectories.Select(ModelBundle.Load).ToList();
        var options = new InferenceOptions { IntraOpThreads = threads };
        var classifiers = bundles.Select(b => new OnnxClassifier(b, options)).ToList();
        try
        {
            Console.WriteLine($"# Pruning benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; " +
                $"ONNX Runtime CPU, {threads} intra-op thread(s), {iterations} timed runs per bundle and batch size after 3 warm-ups, bundles interleaved");
            Console.WriteLine();
            var single = new List<double>[bundles.Count];
            var eight = new List<double>[bundles.Count];
            for (int i = 0; i < bundles.Count; i++)
            {
                single[i] = [];
                eight[i] = [];
            }

            var inputs = bundles.Select(b => Enumerable.Range(0, 8).Select(s => RandomInput(3 * b.Metadata.Input!.Size * b.Metadata.Input.Size, s)).ToList()).ToList();
            for (int warm = 0; warm < 3; warm++)
            {
                for (int i = 0; i < bundles.Count; i++)
                {
                    classifiers[i].Predict(inputs[i].Take(1).ToList());
                    classifiers[i].Predict(inputs[i]);
                }
            }

            for (int run = 0; run < iterations; run++)
            {
                for (int i = 0; i < bundles.Count; i++)
                {
                    single[i].Add(Timing.Milliseconds(() => classifiers[i].Predict(inputs[i].Take(1).ToList())));
                    eight[i].Add(Timing.Milliseconds(() => classifiers[i].Predict(inputs[i])));
                }
            }

            Console.WriteLine("| bundle | pruning | compression | model.onnx MB | gzip MB | p50 ms (batch 1) | p95 ms (batch 1) | images/s (batch 8) | speed-up vs first (p50) |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            double baseline = Timing.Quantile(single[0], 0.5);
            for (int i = 0; i < bundles.Count; i++)
            {
                var lineage = bundles[i].Metadata.Lineage;
                string kind = lineage is null ? "dense" : $"{(lineage.Structured ? "structured" : "unstructured, sparse initializers")} {lineage.Method} x{lineage.Rounds}";
                double p50 = Timing.Quantile(single[i], 0.5);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {bundles[i].Name} | {kind} | {(lineage is null ? 1 : lineage.Compression):F2}x | {new FileInfo(bundles[i].OnnxPath).Length / 1e6:F1} | {GzipBytes(bundles[i].OnnxPath) / 1e6:F1} | {p50:F1} | {Timing.Quantile(single[i], 0.95):F1} | {8000 / Timing.Quantile(eight[i], 0.5):F1} | {baseline / p50:F2}x |"));
            }

            return 0;
        }
        finally
        {
            classifiers.ForEach(c => c.Dispose());
        }
    }

    private static float[] RandomInput(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static long GzipBytes(string path)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        using (var input = File.OpenRead(path))
        {
            input.CopyTo(gzip);
        }

        return output.Length;
    }
}
