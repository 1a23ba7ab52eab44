using System.Diagnostics;
using System.Globalization;
using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx;
using TbScreen.Training.Export;
using TbScreen.Training.Models;
using static TorchSharp.torch;

/// <summary>
/// Images/s and p50/p95 latency of each net and the ensemble, ONNX Runtime against TorchSharp, batch 1 and 8,
/// plus the full path (DICOM file to decision) against the bare ensemble. Same weights in both runtimes.
/// </summary>
internal static class InferenceBenchmark
{
    public static int Run(string modelsDirectory, string dicomSample, int threads, int iterations)
    {
        Console.WriteLine($"# Inference benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {threads} thread(s), {iterations} timed runs after 3 warm-ups");
        Console.WriteLine();
        Console.WriteLine("| model | runtime | batch | images/s | p50 ms per batch | p95 ms per batch |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        set_num_threads(threads);
        var options = new InferenceOptions { IntraOpThreads = threads };
        var bundles = new[] { "alexnet", "googlenet" }.Select(n => ModelBundle.Load(Path.Combine(modelsDirectory, n))).ToList();
        foreach (var bundle in bundles)
        {
            int size = bundle.Metadata.Input!.Size;
            using var classifier = new OnnxClassifier(bundle, options);
            // TorchSharp gets the same architecture and shape; weights are random (speed does not depend on them).
            using var torchModel = ModelFactory.Create(bundle.Metadata.Architecture, new ModelOptions());
            torchModel.eval();
            foreach (int batch in new[] { 1, 8 })
            {
                var tensors = Enumerable.Range(0, batch).Select(i => RandomInput(3 * size * size, i)).ToList();
                Report(bundle.Name, "ONNX Runtime", batch, Time(iterations, () => classifier.Predict(tensors)));
                using var input = tensor(tensors.SelectMany(t => t).ToArray(), new long[] { batch, 3, size, size });
                Report(bundle.Name, "TorchSharp", batch, Time(iterations, () =>
                {
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    torchModel.forward(input);
                }));
            }
        }

        using var ensemble = TbEnsemble.Load(modelsDirectory, options);
        var screener = new RadiographScreener(ensemble);
        var radiograph = RadiographFiles.Load(dicomSample);
        var prepared = ensemble.Members.Select(m => RadiographPipeline.ToTensor(radiograph, m.Contract)).ToList();
        var bare = Time(iterations, () =>
        {
            var probabilities = ensemble.Members.Select((m, i) => m.PredictOne(prepared[i]).TbProbability).ToList();
            ensemble.Policy.Decide(ensemble.Scores(probabilities));
        });
        var full = Time(iterations, () => screener.Screen(RadiographFiles.Load(dicomSample)));
        var decode = Time(iterations, () => RadiographFiles.Load(dicomSample));
        var preprocess = Time(iterations, () => RadiographPipeline.ToTensor(radiograph, ensemble.Members[0].Contract));
        var noHeatmap = Time(iterations, () => screener.Screen(RadiographFiles.Load(dicomSample), withHeatmap: false));
        Report("ensemble (tensors in, decision out)", "ONNX Runtime", 1, bare);
        Report($"decode {Path.GetFileName(dicomSample)} only", "-", 1, decode);
        Report("preprocess (contract) only", "-", 1, preprocess);
        Report("full path without heatmap", "ONNX Runtime", 1, noHeatmap);
        Report($"full path ({Path.GetFileName(dicomSample)} to decision + heatmap)", "ONNX Runtime", 1, full);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Full path / bare ensemble (p50): {full.P50 / bare.P50:F3}"));
        return 0;
    }

    private static float[] RandomInput(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private sealed record Timing(double P50, double P95, int Batch);

    private static Timing Time(int iterations, Action action)
    {
        for (int i = 0; i < 3; i++)
        {
            action();
        }

        var times = new List<double>();
        for (int i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return new Timing(times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)], 0);
    }

    private static void Report(string model, string runtime, int batch, Timing timing) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {model} | {runtime} | {batch} | {batch * 1000 / timing.P50:F1} | {timing.P50:F1} | {timing.P95:F1} |"));
}
