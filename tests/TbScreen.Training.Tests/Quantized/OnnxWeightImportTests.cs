using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx;
using TbScreen.Training.Export;
using TbScreen.Training.Models;
using TbScreen.Training.Robustness;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Quantized;

/// <summary>
/// A net rebuilt from a model.onnx our exporter wrote gives ONNX Runtime's logits (within 1e-4, the tolerance of the
/// export parity tests), for folded batch norm, structurally pruned widths and sparse initializers, and for the shipped
/// float32 bundles. Logits, not probabilities: a saturated softmax would hide weight errors.
/// </summary>
public sealed class OnnxWeightImportTests(ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void A_pruned_GoogLeNet_with_folded_batch_norm_imports_with_ONNX_Runtime_logits()
    {
        using var generator = new Generator(7);
        var widths = new Dictionary<string, int> { ["conv1"] = 24, ["inception3a.branch2.0"] = 40, ["inception5b.branch1"] = 100 };
        using var original = ModelFactory.Create("googlenet", new ModelOptions { Widths = widths });
        SeededInit.Apply(original, generator);
        TbScreen.Onnx.Tests.TrainedScaleBatchNorm.Apply(original, generator);
        byte[] onnx = TorchOnnxExport.Export(original, "googlenet", new OnnxExportOptions { InputHeight = 64, InputWidth = 64, IncludeCam = true });

        using var temp = new TempFolder();
        File.WriteAllBytes(temp["model.onnx"], onnx);
        var imported = OnnxWeightImport.Import(temp["model.onnx"], "googlenet");
        using var model = imported.Model;
        Assert.True(imported.FoldedBatchNorm);
        Assert.Equal(widths.OrderBy(w => w.Key), imported.Options.Widths!.OrderBy(w => w.Key));
        AssertLogitParity(model, onnx, 64, generator);
    }

    [Fact]
    public void A_slim_sparse_AlexNet_imports_with_ONNX_Runtime_logits()
    {
        using var generator = new Generator(8);
        var options = new ModelOptions
        {
            AlexNetHidden = 24,
            Widths = new Dictionary<string, int> { ["features.0"] = 16, ["features.3"] = 32, ["features.6"] = 48, ["features.8"] = 32, ["features.10"] = 32, ["classifier.4"] = 20 },
        };
        using var original = ModelFactory.Create("alexnet", options);
        SeededInit.Apply(original, generator);
        using (no_grad())
        {
            // 80 % zeros, so the exporter stores this weight as a sparse initializer.
            var weight = original.state_dict()["classifier.1.weight"];
            weight.mul_(rand(weight.shape, generator: generator) > 0.8f);
        }

        byte[] onnx = TorchOnnxExport.Export(original, "alexnet", new OnnxExportOptions { SparseWeights = true });
        Assert.NotEmpty(global::Onnx.ModelProto.Parser.ParseFrom(onnx).Graph.SparseInitializer);
        using var temp = new TempFolder();
        File.WriteAllBytes(temp["model.onnx"], onnx);
        var imported = OnnxWeightImport.Import(temp["model.onnx"], "alexnet");
        using var model = imported.Model;
        Assert.False(imported.FoldedBatchNorm);
        Assert.Equal(24, imported.Options.AlexNetHidden);
        Assert.Equal(20, imported.Options.Widths!["classifier.4"]);
        AssertLogitParity(model, onnx, 224, generator);
    }

    [Theory]
    [InlineData("alexnet")]
    [InlineData("alexnet-pruned")]
    [InlineData("googlenet")]
    public void A_shipped_float32_bundle_imports_with_ONNX_Runtime_logits(string name)
    {
        var bundle = ModelBundle.Load(ShippedModels.Bundle(name));
        var imported = OnnxWeightImport.Import(bundle.OnnxPath, bundle.Metadata.Architecture);
        using var model = imported.Model;
        Assert.Equal(name == "googlenet", imported.FoldedBatchNorm);
        Assert.Equal(name == "alexnet-pruned", imported.Options.Widths is not null);
        using var generator = new Generator(9);
        AssertLogitParity(model, File.ReadAllBytes(bundle.OnnxPath), 224, generator, bundle.Metadata.Input!.Mean, bundle.Metadata.Input.Std);
    }

    [Fact]
    public void Writing_a_checkpoint_runs_parity_and_refuses_above_the_tolerance_leaving_no_file()
    {
        using var temp = new TempFolder();
        var planes = ShippedModels.Planes(2, 224);
        var inference = new InferenceOptions { IntraOpThreads = 1 };
        var proof = BundleCheckpoint.Write(ShippedModels.Bundle("alexnet"), temp["alexnet.pt"], planes, 1e-4, inference);
        Assert.True(proof.ParityMaxDifference > 0, "a zero difference would make the refusal below untestable");
        Assert.Equal(ModelBundle.Sha256Of(temp["alexnet.pt"]), proof.CheckpointSha256);

        // What `tbscreen robustness --checkpoint alexnet=PATH` does with it: load by the sidecar, prove by parity.
        using (var loaded = BundleTargets.Load(ShippedModels.Bundle("alexnet"), new Dictionary<string, string> { ["alexnet"] = temp["alexnet.pt"] }, planes, 1e-4, inference))
        {
            Assert.Equal(proof.ParityMaxDifference, loaded.Proof.ParityMaxDifference, 1e-9);
        }

        var error = Assert.Throws<CheckpointParityException>(() =>
            BundleCheckpoint.Write(ShippedModels.Bundle("alexnet"), temp["refused.pt"], planes, proof.ParityMaxDifference / 2, inference));
        Assert.Contains("model.onnx", error.Message);
        Assert.False(File.Exists(temp["refused.pt"]));
        Assert.False(File.Exists(temp["refused.json"]));
    }

    private void AssertLogitParity(nn.Module<Tensor, Tensor> model, byte[] onnx, int size, Generator generator, float mean = 0.5f, float std = 0.25f)
    {
        using var scope = NewDisposeScope();
        var input = ((rand([2, 1, size, size], generator: generator) - mean) / std).expand(2, 3, size, size).contiguous();
        float[] expected;
        using (no_grad())
        {
            expected = model.call(input).data<float>().ToArray();
        }

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, sessionOptions);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModelExporter.InputName, new DenseTensor(input.data<float>().ToArray(), [2, 3, size, size]))]);
        float[] actual = results.Single(r => r.Name == OnnxModelExporter.LogitsOutput).AsTensor<float>().ToArray();
        float difference = expected.Zip(actual, (a, b) => MathF.Abs(a - b)).Max();
        float scale = expected.Max(MathF.Abs);
        output.WriteLine($"max |logit diff| {difference:E2}, logits up to {scale:F4}");
        Assert.True(scale > 1e-3f, "the logits are all ~0: the comparison would prove nothing");
        Assert.True(difference < Tolerance, $"logits differ by {difference}");
    }
}
