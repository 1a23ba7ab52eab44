using System.Text.Json;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Training.Export;
using TbScreen.Training.Robustness;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Tests.Quantized;

/// <summary>
/// BPDA on the shipped AlexNet: with the float32 graph in place of the INT8 one the straight-through gradient is the
/// float32 gradient (so the seam passes values and gradients where they belong); PGD driven by the INT8 graph stays in
/// the ball and in [0,1]; the float32-vs-INT8 report names the INT8 bundle by the hash of the graph it ran.
/// The bundles are copied to a temp models folder, where loading rebuilds alexnet-int8's model.onnx from its recipe.
/// </summary>
public sealed class StraightThroughTests : IDisposable
{
    private const double Epsilon = 2 / 255.0;
    private readonly TempFolder temp = new();
    private readonly InferenceOptions inference = new() { IntraOpThreads = 1 };
    private readonly float[][] planes = ShippedModels.Planes(2, 224);

    public StraightThroughTests()
    {
        foreach (string name in new[] { "alexnet", "alexnet-pruned", "alexnet-int8", "alexnet-pruned-int8" })
        {
            ShippedModels.Copy(name, temp["models"]);
        }

        ShippedModels.Ensemble(temp["models"], "fp32.json", "alexnet", "alexnet-pruned");
        ShippedModels.Ensemble(temp["models"], "int8.json", "alexnet-int8", "alexnet-pruned-int8");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void With_the_float32_graph_as_forward_the_straight_through_gradient_is_the_float32_gradient()
    {
        var fp32 = ModelBundle.Load(Path.Combine(temp["models"], "alexnet"));
        var (model, _, _) = BundleCheckpoint.Import(fp32, planes, 1e-4, inference);
        using var disposeModel = model;
        using var graph = new OnnxClassifier(fp32, inference);
        var net = new NetTarget("alexnet", model, fp32.Metadata.Input!, fp32.Threshold);
        var straightThrough = new StraightThroughTarget("alexnet-onnx", net, graph, fp32.Threshold);

        using var scope = NewDisposeScope();
        var gray = RobustnessData.Stack(planes, 224);
        // The label each image is least likely to be: -log P is then far from saturation, so float32 and ONNX Runtime
        // softmax weights (P - onehot) agree to their rounding and the gradients must agree too.
        Tensor labels;
        using (no_grad())
        {
            labels = net.LogProbabilities(gray).argmin(1);
        }

        var expected = Gradient(net, gray, labels);
        var actual = Gradient(straightThrough, gray, labels);
        double scale = expected.abs().max().item<float>();
        double difference = (expected - actual).abs().max().item<float>();
        Assert.True(scale > 0, "a zero gradient would prove nothing");
        Assert.True(difference <= 1e-3 * scale, $"max |g_bpda - g_fp32| = {difference:E3} against max |g| = {scale:E3}");
        Assert.True((expected.sign() == actual.sign()).to_type(ScalarType.Float32).mean().item<float>() > 0.999f);

        // The values are the graph's: under no_grad only ONNX Runtime runs, and with gradients on the forward value is its log P.
        var onnx = graph.Predict(planes.Select(p => TbScreen.Imaging.RadiographPipeline.ToModelInput(p, fp32.Metadata.Input!)).ToArray());
        long before = straightThrough.GraphImages;
        float[] clean = Attacks.TbProbabilities(straightThrough, gray).data<float>().ToArray();
        Assert.Equal(before + 2, straightThrough.GraphImages);
        Assert.All(onnx.Zip(clean), p => Assert.Equal(p.First.TbProbability, p.Second, 1e-6f));
        using (enable_grad())
        {
            float[] forward = straightThrough.LogProbabilities(gray.requires_grad_(true))[.., 1].exp().detach().data<float>().ToArray();
            Assert.All(forward.Zip(clean), p => Assert.Equal(p.Second, p.First, 1e-6f));
        }
    }

    [Fact]
    public void Pgd_driven_by_the_int8_graph_stays_in_the_eps_ball_and_in_0_1_and_an_int8_graph_is_not_importable()
    {
        var int8 = ModelBundle.Load(Path.Combine(temp["models"], "alexnet-int8"));
        var fp32 = ModelBundle.Load(Path.Combine(temp["models"], "alexnet"));
        var (model, _, _) = BundleCheckpoint.Import(fp32, planes, 1e-4, inference);
        using var disposeModel = model;
        using var graph = new OnnxClassifier(int8, inference);
        var target = new StraightThroughTarget("alexnet-int8", new NetTarget("alexnet", model, fp32.Metadata.Input!, fp32.Threshold), graph, int8.Threshold);

        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var gray = RobustnessData.Stack(planes, 224);
        Assert.True(gray.min().item<float>() == 0 && gray.max().item<float>() == 1, "saturated pixels test the [0,1] clip");
        int iterates = 0;
        double largestMove = 0;
        Attacks.Pgd(target, gray, tensor(new long[] { 1, 0 }), Epsilon, new PgdOptions { Steps = 3 }, generator, x =>
        {
            iterates++;
            double move = (x - gray).abs().max().item<float>();
            largestMove = Math.Max(largestMove, move);
            Assert.True(move <= Epsilon + 1e-6, $"left the ball: {move}");
            Assert.True(x.min().item<float>() >= 0 && x.max().item<float>() <= 1, "left [0,1]");
        });
        Assert.Equal(4, iterates);
        Assert.True(largestMove > 0.9 * Epsilon, "the attack never moved to the ball's surface");
        Assert.True(target.GraphImages >= 2 * 4, "every iterate was scored by the INT8 graph");

        var refused = Assert.Throws<NotSupportedException>(() => OnnxWeightImport.Import(int8.OnnxPath, "alexnet"));
        Assert.Contains("quantised", refused.Message);
    }

    [Fact]
    public void The_float32_vs_int8_report_carries_each_bundles_graph_hash_and_the_int8_source()
    {
        var data = RobustnessData.FromPlanes(ModelBundle.ReadMetadata(Path.Combine(temp["models"], "alexnet")).Input!, ["a.png", "b.png"], [true, false], planes);
        var options = new QuantizedAttackOptions { Epsilon = Epsilon, Pgd = new PgdOptions { Steps = 1 }, Lipschitz = new LipschitzOptions { Steps = 1 }, ParityImages = 2, BootstrapReplicates = 100 };
        QuantizedPairResult result;
        using (var run = new QuantizedRobustness(temp["models"], data, options, _ => { }))
        {
            result = run.Compare("fp32.json", "int8.json");
        }

        string int8Onnx = Path.Combine(temp["models"], "alexnet-int8", ModelBundle.OnnxFileName);
        string recorded = ModelBundle.ReadMetadata(Path.Combine(temp["models"], "alexnet-int8")).OnnxSha256;
        var member = result.Int8Members[0];
        Assert.Equal(["alexnet-int8", "alexnet-pruned-int8"], result.Int8Members.Select(m => m.Bundle));
        Assert.Equal(["alexnet", "alexnet-pruned"], result.Int8Members.Select(m => m.Source));
        Assert.Equal(ModelBundle.Sha256Of(int8Onnx), member.OnnxSha256);
        Assert.Equal(recorded, member.OnnxSha256);
        Assert.Equal(ModelBundle.ReadMetadata(ShippedModels.Bundle("alexnet")).OnnxSha256, result.Fp32Members[0].OnnxSha256);
        Assert.All(result.Fp32Members, m => Assert.InRange(m.ParityMaxDifference!.Value, 0, 1e-4));
        Assert.All(result.Int8Members, m => Assert.StartsWith("through this CPU's fused integer kernels", m.Int8Arithmetic));
        Assert.All(result.Fp32Members, m => Assert.Null(m.Int8Arithmetic));
        Assert.Equal((2, 2, 2), (result.Fp32WhiteBox.Images, result.Int8Bpda.Images, result.Int8Transfer.Images));
        Assert.Null(result.Int8Transfer.Lipschitz);
        Assert.NotNull(result.Int8Bpda.Lipschitz);

        var file = new QuantizedRobustnessFile("note", "m.csv", "test", null, 2, 1, "all", QuantizedAttackSettings.From(options), [result]);
        string json = JsonSerializer.Serialize(file, BundleJson.Options);
        Assert.Contains($"\"onnxSha256\": \"{recorded}\"", json);
        Assert.Contains("\"pgdSteps\": 1", json);
        // INT8 outputs depend on the CPU's kernels, so the report says where they ran.
        Assert.False(string.IsNullOrWhiteSpace(file.Cpu.Model));
        Assert.Contains($"\"model\": {JsonSerializer.Serialize(file.Cpu.Model)}", json);
    }

    /// <summary>
    /// Regression: `quantize-report --pgd` ran INT8 through this CPU's fused kernels even where they saturate. With
    /// QdqArithmetic the INT8 side scores each image with its graphs' own QDQ arithmetic (the graph runner with
    /// optimisations off, averaged as the ensemble averages), and the settings say so.
    /// </summary>
    [Fact]
    public void With_qdq_arithmetic_the_int8_side_scores_the_graphs_own_arithmetic_and_the_report_says_so()
    {
        var contract = ModelBundle.ReadMetadata(Path.Combine(temp["models"], "alexnet")).Input!;
        var data = RobustnessData.FromPlanes(contract, ["a.png", "b.png"], [true, false], planes);
        var options = new QuantizedAttackOptions { Epsilon = Epsilon, Pgd = new PgdOptions { Steps = 1 }, Lipschitz = new LipschitzOptions { Steps = 1 }, ParityImages = 1, BootstrapReplicates = 100, QdqArithmetic = true };
        QuantizedPairResult result;
        using (var run = new QuantizedRobustness(temp["models"], data, options, _ => { }))
        {
            result = run.Compare("fp32.json", "int8.json");
        }

        for (int i = 0; i < planes.Length; i++)
        {
            float[] tensor = [.. Enumerable.Range(0, contract.Channels).SelectMany(_ => planes[i].Select(v => (v - (float)contract.Mean) / (float)contract.Std))];
            double expected = new[] { "alexnet-int8", "alexnet-pruned-int8" }.Average(name =>
            {
                var bundle = ModelBundle.Load(Path.Combine(temp["models"], name));
                using var runner = new OnnxGraphRunner(File.ReadAllBytes(bundle.OnnxPath), 1, qdqArithmetic: true);
                string output = bundle.Metadata.Onnx.Probability;
                return (double)runner.Run(tensor, [1, contract.Channels, contract.Size, contract.Size], output)[output][bundle.Metadata.PositiveIndex];
            });
            Assert.Equal(expected, result.PerImage.Int8Clean[i], 6);
        }

        // On a VNNI CPU the fused kernels compute the same numbers, so the sessions themselves must say how they ran.
        Assert.All(result.Int8Members, m => Assert.StartsWith("in QDQ arithmetic", m.Int8Arithmetic));
        Assert.StartsWith("in QDQ arithmetic", QuantizedAttackSettings.From(options).Int8Arithmetic);
        Assert.StartsWith("through this CPU's fused integer kernels", QuantizedAttackSettings.From(options with { QdqArithmetic = false }).Int8Arithmetic);
    }

    private static Tensor Gradient(IAttackTarget target, Tensor gray, Tensor labels)
    {
        using var enable = enable_grad();
        var input = gray.detach().requires_grad_(true);
        var loss = F.nll_loss(target.LogProbabilities(input), labels, reduction: nn.Reduction.Sum);
        return autograd.grad([loss], [input])[0].detach();
    }
}
