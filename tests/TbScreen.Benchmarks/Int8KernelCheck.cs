using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx.Quantization;
using TbScreen.Training.Quantization;
using TbScreen.Training.Robustness;

/// <summary>
/// Whether this CPU runs the INT8 bundles as quantised (docs/quantization.md, "CPU dependence"): mean |p(INT8) -
/// p(FP32)| with ONNX Runtime's fused integer kernels (QLinearConv/QGemm, the serving path) against the same graph with
/// graph optimisations off, where QuantizeLinear/DequantizeLinear and float Conv/Gemm compute the exact QDQ arithmetic.
/// A large gap means the integer kernels lose precision here (U8S8 saturation without VNNI). Each bundle is also
/// rebuilt from its recipe (same ranges, same float32 layers) as S8S8 and as U8S8 with reduced-range weights
/// ([-64, 64]), the two candidate remedies, and run through the same integer kernels.
/// </summary>
internal static class Int8KernelCheck
{
    public static int Run(string models, string manifest, string split, string splitFile)
    {
        var rows = ManifestReader.Filter(ManifestReader.Read(manifest), split, splitFile, manifest);
        var cpu = CpuDescription.Current();
        Console.WriteLine($"# INT8 kernels on {cpu.Model} ({string.Join(" ", cpu.Flags)}), {rows.Count} images of split '{split}', 1 thread; VNNI: {Int8Kernels.HasVnni}");
        Console.WriteLine("| INT8 bundle | variant | mean abs(p(INT8) - p(FP32)), integer kernels | same, exact QDQ arithmetic | kernels vs exact | calls changed at the FP32 threshold |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        foreach (string dir in Directory.GetDirectories(models, "*-int8").Order(StringComparer.Ordinal))
        {
            var int8 = ModelBundle.Load(dir);
            var fp32 = ModelBundle.Load(Path.Combine(models, int8.Metadata.Quantization!.SourceBundle));
            var contract = fp32.Metadata.Input!;
            var inputs = RobustnessData.Load(rows, contract, 1).Planes.Select(p => RadiographPipeline.ToModelInput(p, contract)).ToArray();
            float[] reference = TbProbabilities(fp32, File.ReadAllBytes(fp32.OnnxPath), inputs, GraphOptimizationLevel.ORT_ENABLE_ALL);
            float threshold = (float)fp32.Threshold;
            foreach (var (variant, model) in Variants(fp32, int8))
            {
                float[] kernels = TbProbabilities(int8, model, inputs, GraphOptimizationLevel.ORT_ENABLE_ALL);
                float[] exact = TbProbabilities(int8, model, inputs, GraphOptimizationLevel.ORT_DISABLE_ALL);
                int changed = kernels.Zip(reference, (k, r) => k >= threshold != r >= threshold).Count(c => c);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {int8.Name} | {variant} | {MeanAbs(kernels, reference):0.0000} | {MeanAbs(exact, reference):0.0000} | {MeanAbs(kernels, exact):0.0000} | {changed}/{inputs.Length} |"));
            }
        }

        return 0;
    }

    /// <summary>The shipped model, and from the same recipe the other activation type and reduced-range U8S8.</summary>
    private static IEnumerable<(string Variant, byte[] Model)> Variants(ModelBundle fp32, ModelBundle int8)
    {
        var q = int8.Metadata.Quantization!;
        string shipped = (q.Activations == "int8" ? "S8S8" : "U8S8") + (q.ReduceRange ? " reduced range" : "");
        yield return ($"{shipped} (shipped)", File.ReadAllBytes(int8.OnnxPath));
        byte[] source = File.ReadAllBytes(fp32.OnnxPath);
        QdqOptions Recipe(ActivationType type, bool reduce) => new()
        {
            Ranges = QuantizedBundle.ReadRanges(int8.Directory),
            Activations = type,
            KeepFloat = q.FloatLayers.ToHashSet(StringComparer.Ordinal),
            ReduceRange = reduce,
        };
        if (q.Activations != "int8" || q.ReduceRange) yield return ("S8S8", QdqQuantizer.Quantize(source, Recipe(ActivationType.Int8, false)));
        if (q.Activations != "uint8" || !q.ReduceRange) yield return ("U8S8 reduced range", QdqQuantizer.Quantize(source, Recipe(ActivationType.UInt8, true)));
    }

    private static float[] TbProbabilities(ModelBundle bundle, byte[] model, float[][] inputs, GraphOptimizationLevel level)
    {
        var contract = bundle.Metadata.Input!;
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = level };
        using var session = new InferenceSession(model, options);
        return inputs.Select(input =>
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(bundle.Metadata.Onnx.Input, new DenseTensor<float>(input, [1, contract.Channels, contract.Size, contract.Size]))]);
            return results.Single(r => r.Name == bundle.Metadata.Onnx.Probability).AsTensor<float>()[0, bundle.Metadata.PositiveIndex];
        }).ToArray();
    }

    private static double MeanAbs(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average();
}
