using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using TbScreen.Onnx.Graph;
using TbScreen.Onnx.Quantization;
using static TbScreen.Onnx.Tests.SyntheticWeights;

namespace TbScreen.Onnx.Tests;

public class QuantizationTests
{
    [Theory]
    [InlineData(ActivationType.UInt8)]
    [InlineData(ActivationType.Int8)]
    public void Quantise_dequantise_round_trip_in_onnx_runtime_is_within_half_a_scale(ActivationType type)
    {
        // input -> Flatten: the quantiser puts one Q -> DQ pair on the input, and the output is the round-tripped input.
        var g = new OnnxGraphBuilder(false);
        var flat = g.Flatten(g.Input("input", 1, 8, 8), "flatten");
        g.Output(flat, "y");
        byte[] model = OnnxModelExporter.CreateModel(g.Graph, 17).ToByteArray();
        var ranges = new Dictionary<string, (float, float)> { ["input"] = (-1.5f, 2.5f) };
        byte[] quantized = QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges, Activations = type });

        var rng = new Random(3);
        float[] x = Enumerable.Range(0, 64).Select(_ => (float)(rng.NextDouble() * 4 - 1.5)).ToArray();
        var y = OrtRunner.Run(quantized, x, 1, 1, 8, 8)["y"].Data;

        var p = QuantizationMath.Activation(-1.5f, 2.5f, type);
        // Hand computation: scale = (2.5 - -1.5) / 255; zero point = qmin + round(1.5 / scale) = qmin + 96.
        Assert.Equal(4f / 255f, p.Scale, 7);
        Assert.Equal(type == ActivationType.UInt8 ? 96 : -32, p.ZeroPoint);
        var (qmin, qmax) = QuantizationMath.Limits(type);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - x[i]) <= p.Scale / 2 * (1 + 1e-5), $"x={x[i]} came back as {y[i]}, more than scale/2 = {p.Scale / 2} away");
            Assert.Equal(QuantizationMath.Dequantize(QuantizationMath.Quantize(x[i], p, qmin, qmax), p), y[i]);
        }
    }

    [Fact]
    public void Out_of_range_values_saturate_at_the_range_ends()
    {
        var p = QuantizationMath.Activation(0f, 2.55f, ActivationType.UInt8);
        Assert.Equal(0.01f, p.Scale, 7);
        Assert.Equal(0, p.ZeroPoint);
        Assert.Equal(255, QuantizationMath.Quantize(10f, p, 0, 255));
        Assert.Equal(0, QuantizationMath.Quantize(-3f, p, 0, 255)); // a ReLU's negatives clamp to the zero point
    }

    [Fact]
    public void Per_channel_weight_scales_and_int32_bias_match_a_hand_computation()
    {
        // Channel 0: max |w| 1.27 -> scale 0.01; channel 1: max |w| 0.254 -> scale 0.002.
        var (proto, init) = QuantizedHandConv(reduceRange: false);

        float[] scales = QdqQuantizer.Floats(init["w_scale"]);
        Assert.Equal(0.01f, scales[0], 7);
        Assert.Equal(0.002f, scales[1], 7);
        sbyte[] q = init["w_quantized"].RawData.ToByteArray().Select(v => unchecked((sbyte)v)).ToArray();
        Assert.Equal([50, -127, 10, 20, 0, 0, 0, 127], q.Select(v => (int)v).ToArray()); // 0.204/0.01 = 20.4 -> 20; -0.001/0.002 = -0.5 -> -0 (half to even)
        int[] bias = [BitConverter.ToInt32(init["b_quantized"].RawData.Span[..4]), BitConverter.ToInt32(init["b_quantized"].RawData.Span[4..8])];
        Assert.Equal([3000, -5000], bias); // 0.3 / (0.01 * 0.01), -0.1 / (0.01 * 0.002)
        Assert.Equal(TensorProto.Types.DataType.Int32, (TensorProto.Types.DataType)init["b_quantized"].DataType);
        Assert.DoesNotContain("w", init.Keys); // the float weight is gone
        var dq = proto.Graph.Node.Single(n => n.Output[0] == "w_dequantized");
        Assert.Equal(0, dq.Attribute.Single(a => a.Name == "axis").I);
    }

    [Fact]
    public void Reduced_range_weights_are_bounded_by_64_and_match_a_hand_computation()
    {
        // As above with scale = max |w| / 64: channel 0: 1.27 / 64; channel 1: 0.254 / 64 (exact: division by a power of two).
        var (proto, init) = QuantizedHandConv(reduceRange: true);

        Assert.Equal([1.27f / 64, 0.254f / 64], QdqQuantizer.Floats(init["w_scale"]));
        sbyte[] q = init["w_quantized"].RawData.ToByteArray().Select(v => unchecked((sbyte)v)).ToArray();
        Assert.Equal([25, -64, 5, 10, 0, 0, 0, 64], q.Select(v => (int)v).ToArray()); // 0.5 / 0.0198 = 25.2; 0.204 / 0.0198 = 10.3
        int[] bias = [BitConverter.ToInt32(init["b_quantized"].RawData.Span[..4]), BitConverter.ToInt32(init["b_quantized"].RawData.Span[4..8])];
        Assert.Equal([1512, -2520], bias); // 0.3 / (0.01 * 0.0198) = 1511.8; -0.1 / (0.01 * 0.00397) = -2519.7
        Assert.Contains("reduce-range", proto.MetadataProps.Single(p => p.Key == "tbscreen.quantization").Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizationMath.ChannelScales(HandWeights, 2, 100));
    }

    private static readonly float[] HandWeights = [0.5f, -1.27f, 0.1f, 0.204f, 0f, 0f, -0.001f, 0.254f];

    /// <summary>A 2-channel 2x2 conv over a 1x3x3 input with range [0, 2.55] (scale 0.01, zero point 0), quantised.</summary>
    private static (ModelProto Proto, Dictionary<string, TensorProto> Initializers) QuantizedHandConv(bool reduceRange)
    {
        var g = new OnnxGraphBuilder(false);
        var y = g.Conv(g.Input("input", 1, 3, 3), "conv", new Weight("w", HandWeights, [2, 1, 2, 2]), new Weight("b", [0.3f, -0.1f], [2]));
        g.Output(y, "y");
        byte[] model = OnnxModelExporter.CreateModel(g.Graph, 17).ToByteArray();
        var ranges = new Dictionary<string, (float, float)> { ["input"] = (0f, 2.55f) };
        var proto = ModelProto.Parser.ParseFrom(QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges, ReduceRange = reduceRange }));
        return (proto, proto.Graph.Initializer.ToDictionary(i => i.Name));
    }

    [Fact]
    public void Reduced_range_u8s8_kernels_compute_the_qdq_function_where_full_range_pairs_overflow_int16()
    {
        // Every input at the top of its uint8 range and every weight at the top of its int8 range: one u8 x s8 pair sum
        // is 2 x 255 x 127 = 64770 with full range, beyond int16, where AVX2 U8S8 kernels saturate; 2 x 255 x 64 = 32640
        // with reduced range, within it. The exact value is 72 x 2.55 x 1.0 = 183.6 (full range gave 92.5 on an AVX2 host).
        var (model, ranges, x, outputScale) = SaturatingConv();

        byte[] reduced = QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges, ReduceRange = true });
        float kernels = OrtRunner.Run(reduced, x, 1, 8, 3, 3)["y"].Data.Single();

        Assert.True(OptimizedOps(reduced).GetValueOrDefault("QLinearConv") == 1, "the reduced-range conv must run as a fused QLinearConv");
        Assert.True(Math.Abs(kernels - 183.6f) <= outputScale, $"reduced range gave {kernels}, not 183.6 within one output step {outputScale}");
    }

    [Fact]
    public void The_qdq_arithmetic_runner_computes_what_the_graph_defines_even_where_full_range_kernels_saturate()
    {
        // The full-range model of the test above, whose fused U8S8 kernels gave 92.5 instead of 183.6 on an AVX2 host.
        // With graph optimisations off nothing is fused, and float Conv over the dequantised values gives 183.6 on any
        // CPU: what the quantiser's sensitivity sweep measures, so its choice of float32 layers does not depend on the host.
        var (model, ranges, x, outputScale) = SaturatingConv();
        byte[] full = QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges });
        string optimized = Path.Combine(Path.GetTempPath(), $"tbscreen-qdq-{Guid.NewGuid():N}.onnx");
        try
        {
            float exact;
            using (var runner = new TbScreen.Inference.Runtime.OnnxGraphRunner(full, 1, optimized, qdqArithmetic: true))
            {
                exact = runner.Run(x, [1, 8, 3, 3], "y")["y"].Single();
            }

            var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.GroupBy(n => n.OpType).ToDictionary(n => n.Key, n => n.Count());
            Assert.Equal(0, ops.GetValueOrDefault("QLinearConv"));
            Assert.Equal(1, ops.GetValueOrDefault("Conv"));
            Assert.True(Math.Abs(exact - 183.6f) <= outputScale, $"QDQ arithmetic gave {exact}, not 183.6 within one output step {outputScale}");
            Assert.Equal(1, OptimizedOps(full).GetValueOrDefault("QLinearConv")); // the serving path still fuses it
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    /// <summary>One 8x3x3 conv of all-ones weights on an input of 2.55 everywhere (ranges: input 0-2.55, ReLU 0-200).</summary>
    private static (byte[] Model, Dictionary<string, (float, float)> Ranges, float[] Input, float OutputScale) SaturatingConv()
    {
        var weights = Enumerable.Repeat(1f, 8 * 3 * 3).ToArray();
        var g = new OnnxGraphBuilder(false);
        var conv = g.Conv(g.Input("input", 8, 3, 3), "conv", new Weight("w", weights, [1, 8, 3, 3]), new Weight("b", [0f], [1]));
        g.Output(g.Flatten(g.Relu(conv), "flatten"), "y");
        byte[] model = OnnxModelExporter.CreateModel(g.Graph, 17).ToByteArray();
        var ranges = new Dictionary<string, (float, float)> { ["input"] = (0f, 2.55f), [g.Graph.Node.Single(n => n.OpType == "Relu").Output[0]] = (0f, 200f) };
        return (model, ranges, Enumerable.Repeat(2.55f, 72).ToArray(), QuantizationMath.Activation(0f, 200f, ActivationType.UInt8).Scale);
    }

    [Fact]
    public void Onnx_runtime_fuses_every_u8s8_qdq_conv_and_gemm()
    {
        var ops = OptimizedOps(TinyAlexNetInt8(ActivationType.UInt8));

        Assert.True(ops.GetValueOrDefault("QLinearConv") == 5, string.Join(", ", ops.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(0, ops.GetValueOrDefault("Conv"));
        Assert.Equal(3, ops.GetValueOrDefault("QGemm"));
        Assert.Equal(0, ops.GetValueOrDefault("Gemm"));
        Assert.Equal(0, ops.GetValueOrDefault("Relu")); // removed before QuantizeLinear (zero point = qmin)
    }

    [Fact]
    public void Onnx_runtime_leaves_s8s8_layers_that_feed_a_graph_output_unfused()
    {
        // Measured with ONNX Runtime 1.31 (docs/quantization.md): with int8 activations, features.10 (read by the
        // feature_map output) and classifier.4 (read by the features output) stay float Conv/Gemm; U8S8 fuses them.
        var ops = OptimizedOps(TinyAlexNetInt8(ActivationType.Int8));

        Assert.Equal(4, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(1, ops.GetValueOrDefault("Conv"));
        Assert.Equal(2, ops.GetValueOrDefault("QGemm"));
    }

    private static byte[] TinyAlexNetInt8(ActivationType type)
    {
        byte[] model = OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny), new OnnxExportOptions { InputHeight = 64, InputWidth = 64 });
        return QdqQuantizer.Quantize(model, new QdqOptions { Ranges = Calibrate(model, 4, 64), Activations = type });
    }

    [Fact]
    public void A_layer_kept_in_float32_stays_a_float_conv_and_the_rest_still_fuse()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        byte[] model = OnnxModelExporter.Export("alexnet", weights, new OnnxExportOptions { InputHeight = 64, InputWidth = 64 });
        Assert.Equal(["features.0/Conv", "features.3/Conv", "features.6/Conv", "features.8/Conv", "features.10/Conv", "classifier.1/Gemm", "classifier.4/Gemm", "classifier.6/Gemm"],
            QdqQuantizer.QuantizableLayers(model));
        var ranges = Calibrate(model, 4, 64);

        var ops = OptimizedOps(QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges, KeepFloat = new HashSet<string> { "features.0/Conv" } }));

        Assert.Equal(4, ops.GetValueOrDefault("QLinearConv"));
        Assert.Equal(1, ops.GetValueOrDefault("Conv") + ops.GetValueOrDefault("FusedConv"));
        Assert.Throws<QuantizationException>(() => QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges, KeepFloat = new HashSet<string> { "no-such-layer" } }));
    }

    [Fact]
    public void Quantised_model_follows_the_float_model()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        byte[] model = OnnxModelExporter.Export("alexnet", weights, new OnnxExportOptions { InputHeight = 64, InputWidth = 64, IncludeFeatures = false, IncludeFeatureMap = false });
        var ranges = Calibrate(model, 8, 64);
        byte[] quantized = QdqQuantizer.Quantize(model, new QdqOptions { Ranges = ranges });
        var rng = new Random(11);
        float[] x = NaiveOps.Random(rng, 3 * 64 * 64);

        var fp = OrtRunner.Run(model, x, 1, 3, 64, 64)["logits"].Data;
        var q = OrtRunner.Run(quantized, x, 1, 3, 64, 64)["logits"].Data;

        float span = fp.Max(v => Math.Abs(v));
        Assert.True(OrtRunner.MaxAbsDiff(fp, q) < 0.1f * span + 1e-3f, $"float {string.Join(",", fp)} vs int8 {string.Join(",", q)}");
    }

    [Fact]
    public void A_missing_range_or_a_non_onnx_file_is_a_clear_error()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        byte[] model = OnnxModelExporter.Export("alexnet", weights, new OnnxExportOptions { InputHeight = 64, InputWidth = 64 });
        var e = Assert.Throws<QuantizationException>(() => QdqQuantizer.Quantize(model, new QdqOptions { Ranges = new Dictionary<string, (float, float)>() }));
        Assert.Contains("no calibrated range for activation 'input'", e.Message);
        Assert.Throws<QuantizationException>(() => QdqQuantizer.Quantize([1, 2, 3, 4, 5], new QdqOptions { Ranges = new Dictionary<string, (float, float)>() }));
    }

    [Fact]
    public void Changing_the_calibration_set_changes_its_hash()
    {
        string dir = Directory.CreateTempSubdirectory("tbscreen-calib-").FullName;
        try
        {
            string a = Path.Combine(dir, "a.png"), b = Path.Combine(dir, "b.png"), c = Path.Combine(dir, "c.png");
            File.WriteAllBytes(a, [1, 2, 3]);
            File.WriteAllBytes(b, [4, 5, 6]);
            File.WriteAllBytes(c, [4, 5, 6]); // same bytes as b, other name
            string ab = CalibrationSet.Hash([a, b]);

            Assert.Equal(ab, CalibrationSet.Hash([a, b]));
            Assert.Equal(64, ab.Length);
            Assert.NotEqual(ab, CalibrationSet.Hash([a, c]));  // another image
            Assert.NotEqual(ab, CalibrationSet.Hash([b, a]));  // another order
            Assert.NotEqual(ab, CalibrationSet.Hash([a]));     // fewer images
            File.WriteAllBytes(b, [4, 5, 7]);
            Assert.NotEqual(ab, CalibrationSet.Hash([a, b]));  // same name, changed content
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Calibration_draw_is_seeded_and_takes_at_most_the_split()
    {
        string[] files = Enumerable.Range(0, 20).Select(i => $"/d/img{i:00}.png").ToArray();
        Assert.Equal(CalibrationSet.Choose(files, 5, 1), CalibrationSet.Choose(files.Reverse().ToArray(), 5, 1));
        Assert.NotEqual(CalibrationSet.Choose(files, 5, 1), CalibrationSet.Choose(files, 5, 2));
        Assert.Equal(20, CalibrationSet.Choose(files, 50, 1).Distinct().Count());
    }

    [Fact]
    public void Minmax_percentile_and_entropy_ranges_treat_an_outlier_differently()
    {
        var rng = new Random(5);
        // A ReLU-like activation: half zeros, the rest |N(0, 1)|, and one outlier at 1000.
        float[] values = Enumerable.Range(0, 200_000).Select(i => i % 2 == 0 ? 0f : (float)Math.Abs(Gaussian(rng))).Append(1000f).ToArray();
        (float Min, float Max) Range(CalibrationMethod m)
        {
            var c = new RangeCollector(m);
            c.Add(values.AsSpan(0, 100_000));
            c.Add(values.AsSpan(100_000));
            return c.Range();
        }

        Assert.Equal((0f, 1000f), Range(CalibrationMethod.MinMax));
        var percentile = Range(CalibrationMethod.Percentile);
        Assert.Equal(0f, percentile.Min); // clamped to the smallest value seen
        // 99.99 % of all values = the 99.98th percentile of |N(0,1)| (half are zeros): 3.89, less up to one bin: the outlier
        // widened the bins 256-fold to 1.13 (2 x 4.5 x 256 / 2048), so the bin edge below 3.89 is 3 x 1.13 = 3.38.
        Assert.InRange(percentile.Max, 2.7f, 3.9f);
        var entropy = Range(CalibrationMethod.Entropy);
        Assert.Equal(0f, entropy.Min);
        Assert.InRange(entropy.Max, 1f, 200f); // KL keeps the bulk of the Gaussian, drops the far outlier (>= 64 bins: 72)
    }

    [Fact]
    public void Histogram_grows_when_a_later_batch_is_wider()
    {
        var c = new RangeCollector(CalibrationMethod.Percentile, bins: 8, percentile: 100, quantizedBins: 4);
        c.Add([0f, 1f]);
        c.Add([-3f, 3f]);
        var (min, max) = c.Range();
        // [-1, 1] in 8 bins of 0.25 widens to [-4, 4] in bins of 1: the 100th percentile is the edge below the last value.
        Assert.Equal(-3f, min);
        Assert.Equal(3f, max);
        Assert.Equal(4, c.Count);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Min-max ranges of every exposed activation over random inputs (the CLI uses training images).</summary>
    private static Dictionary<string, (float Min, float Max)> Calibrate(byte[] model, int images, int size)
    {
        var (exposed, tensors) = QdqQuantizer.ExposeActivations(model);
        var collectors = tensors.ToDictionary(t => t, _ => new RangeCollector(CalibrationMethod.MinMax));
        var rng = new Random(9);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(exposed, options);
        for (int i = 0; i < images; i++)
        {
            float[] x = NaiveOps.Random(rng, 3 * size * size);
            collectors[OnnxModelExporter.InputName].Add(x);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModelExporter.InputName, new DenseTensor<float>(x, [1, 3, size, size]))]);
            foreach (var r in results.Where(r => collectors.ContainsKey(r.Name))) collectors[r.Name].Add(r.AsTensor<float>().ToArray());
        }

        return collectors.ToDictionary(kv => kv.Key, kv => kv.Value.Range());
    }

    /// <summary>Op counts of the graph ONNX Runtime actually runs (SessionOptions.OptimizedModelFilePath).</summary>
    internal static Dictionary<string, int> OptimizedOps(byte[] model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"tbscreen-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = path })
            using (new InferenceSession(model, options))
            {
            }

            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
