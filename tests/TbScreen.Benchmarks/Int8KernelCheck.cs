using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Evaluation;
using TbScreen.Training.Robustness;

/// <summary>
/// Whether this CPU runs the INT8 bundles as quantised (docs/quantization.md, "CPU dependence"): mean |p(INT8) -
/// p(FP32)| with ONNX Runtime's fused integer kernels (QLinearConv/QGemm, the serving path) against the same graph with
/// graph optimisations off, where QuantizeLinear/DequantizeLinear and float Conv/Gemm compute the exact QDQ arithmetic.
/// A large gap means the integer kernels lose precision here (U8S8 saturation without VNNI).
/// </summary>
internal static class Int8KernelCheck
{
    public static int Run(string models, string manifest, string split, string splitFile)
    {
        var rows = ManifestReader.Filter(ManifestReader.Read(manifest), split, splitFile, manifest);
        var cpu = CpuDescription.Current();
        Console.WriteLine($"# INT8 kernels on {cpu.Model} ({string.Join(" ", cpu.Flags)}), {rows.Count} images of split '{split}', 1 thread");
        Console.WriteLine("| INT8 bundle | mean abs(p(INT8) - p(FP32)), integer kernels | same, exact QDQ arithmetic | kernels vs exact |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (string dir in Directory.GetDirectories(models, "*-int8").Order(StringComparer.Ordinal))
        {
            var int8 = ModelBundle.Load(dir);
            var fp32 = ModelBundle.Load(Path.Combine(models, int8.Metadata.Quantization!.SourceBundle));
            var contract = fp32.Metadata.Input!;
            var inputs = RobustnessData.Load(rows, contract, 1).Planes.Select(p => RadiographPipeline.ToModelInput(p, contract)).ToArray();
            float[] reference = TbProbabilities(fp32, inputs, GraphOptimizationLevel.ORT_ENABLE_ALL);
            float[] kernels = TbProbabilities(int8, inputs, GraphOptimizationLevel.ORT_ENABLE_ALL);
            float[] exact = TbProbabilities(int8, inputs, GraphOptimizationLevel.ORT_DISABLE_ALL);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {int8.Name} | {MeanAbs(kernels, reference):0.0000} | {MeanAbs(exact, reference):0.0000} | {MeanAbs(kernels, exact):0.0000} |"));
        }

        return 0;
    }

    private static float[] TbProbabilities(ModelBundle bundle, float[][] inputs, GraphOptimizationLevel level)
    {
        var contract = bundle.Metadata.Input!;
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = level };
        using var session = new InferenceSession(bundle.OnnxPath, options);
        return inputs.Select(input =>
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(bundle.Metadata.Onnx.Input, new DenseTensor<float>(input, [1, contract.Channels, contract.Size, contract.Size]))]);
            return results.Single(r => r.Name == bundle.Metadata.Onnx.Probability).AsTensor<float>()[0, bundle.Metadata.PositiveIndex];
        }).ToArray();
    }

    private static double MeanAbs(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average();
}
