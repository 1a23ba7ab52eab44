using TbScreen.Training.Export;
using TbScreen.Training.Models;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

/// <summary>
/// The issue's parity requirement: ONNX Runtime on the exported graph and TorchSharp's forward agree within 1e-4.
/// Weights (<see cref="SeededInit"/>) and inputs come from each test's own generator, never torch's global one.
/// </summary>
public class TorchParityTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData(224, 2, 4096)] // TorchVision's AlexNet as is
    [InlineData(224, 2, 512)]  // the slim head we ship
    [InlineData(100, 1, 512)]  // 2x2 map before the adaptive pool: the MatMul path
    public void AlexNet_matches_TorchSharp(int size, int batch, int hidden)
    {
        using var generator = new Generator(11);
        using var model = ModelFactory.Create(ModelFactory.AlexNet, new ModelOptions { AlexNetHidden = hidden });
        SeededInit.Apply(model, generator);
        AssertParity(model, "alexnet", size, batch, new OnnxExportOptions { InputHeight = size, InputWidth = size }, generator);
    }

    [Theory]
    [InlineData(224, 2, true)]
    [InlineData(224, 1, false)] // BatchNormalization ops instead of folding
    [InlineData(97, 2, true)]   // odd size: every ceil-mode pool keeps a partial window
    public void GoogLeNet_matches_TorchSharp(int size, int batch, bool foldBatchNorm)
    {
        using var generator = new Generator(12);
        using var model = ModelFactory.Create(ModelFactory.GoogLeNet, new ModelOptions());
        SeededInit.Apply(model, generator);
        TrainedScaleBatchNorm.Apply(model, generator);
        AssertParity(model, "googlenet", size, batch, new OnnxExportOptions { InputHeight = size, InputWidth = size, FoldBatchNorm = foldBatchNorm }, generator);
    }

    [Fact]
    public void GoogLeNet_with_transform_input_matches_TorchSharp()
    {
        using var generator = new Generator(13);
        using var model = torchvision.models.googlenet(num_classes: 2, transform_input: true);
        SeededInit.Apply(model, generator);
        TrainedScaleBatchNorm.Apply(model, generator);
        AssertParity(model, "googlenet", 64, 2, new OnnxExportOptions { InputHeight = 64, InputWidth = 64, TransformInput = true }, generator);
    }

    /// <summary>
    /// Not a parity claim: measures what float16 storage costs against the float32 TorchSharp forward. Probabilities,
    /// which the decision uses, within 1e-2; logits within 2e-2 (GoogLeNet's ~60 layers accumulate ~1e-2 of fp16
    /// rounding: 0.0108 and 0.0121 were measured on two inits from the global generator, 0.0114 on the seeded one).
    /// </summary>
    [Theory]
    [InlineData("alexnet")]
    [InlineData("googlenet")]
    public void Float16_weights_stay_close_to_TorchSharp(string arch)
    {
        using var generator = new Generator(14);
        using var model = ModelFactory.Create(arch, new ModelOptions());
        SeededInit.Apply(model, generator);
        if (arch == "googlenet") TrainedScaleBatchNorm.Apply(model, generator);
        AssertParity(model, arch, 224, 2, new OnnxExportOptions { Float16Weights = true }, generator, tolerance: 1e-2f, logitTolerance: 2e-2f);
    }

    private void AssertParity(nn.Module<Tensor, Tensor> model, string arch, int size, int batch, OnnxExportOptions options, Generator generator, float tolerance = Tolerance, float? logitTolerance = null)
    {
        model.eval();
        using var scope = NewDisposeScope();
        var input = randn([batch, 3, size, size], generator: generator);
        float[] expectedLogits, expectedProbability;
        using (no_grad())
        {
            var logits = model.call(input);
            expectedLogits = logits.data<float>().ToArray();
            expectedProbability = nn.functional.softmax(logits, 1).data<float>().ToArray();
        }

        var outputs = OrtRunner.Run(TorchOnnxExport.Export(model, arch, options), input.data<float>().ToArray(), batch, 3, size, size);

        float logitDiff = OrtRunner.MaxAbsDiff(expectedLogits, outputs["logits"].Data);
        float probDiff = OrtRunner.MaxAbsDiff(expectedProbability, outputs["probability"].Data);
        output.WriteLine($"{arch} {size}x{size} batch {batch}{(options.Float16Weights ? " fp16" : "")}: max |logit diff| {logitDiff:E2}, max |probability diff| {probDiff:E2}, logits up to {expectedLogits.Max(MathF.Abs):F3}");
        float logitBound = logitTolerance ?? tolerance;
        Assert.True(logitDiff < logitBound, $"logits differ by {logitDiff} (bound {logitBound})");
        Assert.True(probDiff < tolerance, $"probabilities differ by {probDiff}");
    }
}
