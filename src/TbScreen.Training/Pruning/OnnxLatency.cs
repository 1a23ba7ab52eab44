using TbScreen.Inference.Metrics;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TbScreen.Training.Pruning;

/// <summary>ONNX Runtime CPU latency of one model at batch 1: median and spread over timed runs after warm-up.</summary>
public sealed record LatencyMeasurement(double MedianMs, double P10Ms, double P90Ms, int Runs, int Threads);

public static class OnnxLatency
{
    /// <param name="threads">Intra-op threads (0 = ONNX Runtime's default).</param>
    public static LatencyMeasurement Measure(string onnxPath, int size, int runs = 20, int warmup = 3, int threads = 1, int batch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, InterOpNumThreads = 1 };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
        }

        using var session = new InferenceSession(onnxPath, options);
        string inputName = session.InputMetadata.Keys.First();
        var random = new Random(7);
        var data = new float[batch * 3 * size * size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var input = new DenseTensor<float>(data, [batch, 3, size, size]);
        var inputs = new[] { NamedOnnxValue.CreateFromTensor(inputName, input) };
        for (int i = 0; i < warmup; i++)
        {
            using var _ = session.Run(inputs);
        }

        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var _ = session.Run(inputs);
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return new LatencyMeasurement(Quantile(times, 0.5), Quantile(times, 0.1), Quantile(times, 0.9), runs, threads);
    }

    private static double Quantile(double[] sorted, double q) => Quantiles.OfSorted(sorted, q);
}
