using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TbScreen.Onnx.Tests.SyntheticWeights;

namespace TbScreen.Onnx.Tests;

public class WholeNetTests(ITestOutputHelper output)
{
    private static float[] Image(int batch, int size, int seed = 9) => NaiveOps.Random(new Random(seed), batch * 3 * size * size);

    private static void AssertProbabilities((float[] Data, long[] Shape) probability, int batch)
    {
        Assert.Equal([(long)batch, 2], probability.Shape);
        for (int n = 0; n < batch; n++) Assert.Equal(1f, probability.Data[2 * n] + probability.Data[2 * n + 1], 5);
        Assert.All(probability.Data, p => Assert.InRange(p, 0f, 1f));
    }

    [Theory]
    [InlineData(64, 3)]   // the smallest sizes: 1x1 before the adaptive pool
    [InlineData(100, 2)]  // 2x2 before the adaptive pool: the MatMul path
    [InlineData(224, 2)]  // 6x6: no pooling at all
    public void AlexNet_with_pruned_widths_runs_at_several_sizes(int size, int batch)
    {
        var model = OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny), new OnnxExportOptions { InputHeight = size, InputWidth = size });

        var outputs = OrtRunner.Run(model, Image(batch, size), batch, 3, size, size);

        Assert.Equal([OnnxModelExporter.ProbabilityOutput, OnnxModelExporter.LogitsOutput, OnnxModelExporter.FeaturesOutput, OnnxModelExporter.FeatureMapOutput], outputs.Keys);
        AssertProbabilities(outputs["probability"], batch);
        long map = size == 64 ? 3 : size == 100 ? 5 : 13;
        Assert.Equal([(long)batch, 20, map, map], outputs["feature_map"].Shape);
        Assert.Equal([(long)batch, 16], outputs["features"].Shape); // Tiny's second hidden width: classifier.6's input
    }

    [Fact]
    public void AlexNet_features_are_what_the_last_linear_layer_reads()
    {
        var weights = AlexNet(AlexNetWidths.Tiny);
        var outputs = OrtRunner.Run(OnnxModelExporter.Export("alexnet", weights, new OnnxExportOptions { InputHeight = 64, InputWidth = 64 }), Image(2, 64), 2, 3, 64, 64);

        // logits[n, k] = sum_j features[n, j] * W6[k, j] + b6[k], computed by hand from the output.
        var (w6, b6) = (weights["classifier.6.weight"].Data, weights["classifier.6.bias"].Data);
        var f = outputs["features"].Data;
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 2; k++)
            {
                double logit = b6[k];
                for (int j = 0; j < 16; j++) logit += f[n * 16 + j] * w6[k * 16 + j];
                Assert.Equal(logit, outputs["logits"].Data[n * 2 + k], 4);
            }
        }

        Assert.All(f, v => Assert.True(v >= 0)); // after classifier.4's ReLU
    }

    [Fact]
    public void AlexNet_below_63_pixels_is_refused()
    {
        Assert.Throws<OnnxExportException>(() =>
            OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny), new OnnxExportOptions { InputHeight = 62, InputWidth = 62 }));
        OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny), new OnnxExportOptions { InputHeight = 63, InputWidth = 63 });
    }

    [Fact]
    public void GoogLeNet_at_224_gives_a_1024x7x7_feature_map_and_a_CAM_that_averages_to_the_logit_margin()
    {
        var options = new OnnxExportOptions { IncludeCam = true };
        var model = OnnxModelExporter.Export("googlenet", GoogLeNet(), options);

        var outputs = OrtRunner.Run(model, Image(1, 224), 1, 3, 224, 224);

        AssertProbabilities(outputs["probability"], 1);
        Assert.Equal([1L, 1024, 7, 7], outputs["feature_map"].Shape);
        // features = the global average of the map per channel (the vector fc reads).
        Assert.Equal([1L, 1024], outputs["features"].Shape);
        for (int c = 0; c < 1024; c += 97) Assert.Equal(outputs["feature_map"].Data.AsSpan(c * 49, 49).ToArray().Average(), outputs["features"].Data[c], 4);
        Assert.Equal([1L, 1, 7, 7], outputs["cam"].Shape);
        // The map's mean plus the bias difference is the TB-minus-non-TB logit margin.
        var bias = GoogLeNet()["fc.bias"].Data;
        float margin = outputs["logits"].Data[1] - outputs["logits"].Data[0];
        Assert.Equal(margin, outputs["cam"].Data.Average() + bias[1] - bias[0], 3);
    }

    [Fact]
    public void GoogLeNet_pruned_to_half_width_exports_and_runs_at_64_with_batch_3()
    {
        var model = OnnxModelExporter.Export("googlenet", GoogLeNet(scale: 0.5), new OnnxExportOptions { InputHeight = 64, InputWidth = 64 });

        var outputs = OrtRunner.Run(model, Image(3, 64), 3, 3, 64, 64);

        AssertProbabilities(outputs["probability"], 3);
        Assert.Equal([3L, 512, 2, 2], outputs["feature_map"].Shape);
        Assert.Equal([3L, 512], outputs["features"].Shape);
    }

    [Fact]
    public void GoogLeNet_with_BatchNormalization_ops_matches_the_folded_graph()
    {
        var weights = GoogLeNet(scale: 0.25);
        var input = Image(2, 96);
        var folded = OrtRunner.Run(OnnxModelExporter.Export("googlenet", weights, new OnnxExportOptions { InputHeight = 96, InputWidth = 96 }), input, 2, 3, 96, 96);
        var unfolded = OrtRunner.Run(OnnxModelExporter.Export("googlenet", weights, new OnnxExportOptions { InputHeight = 96, InputWidth = 96, FoldBatchNorm = false }), input, 2, 3, 96, 96);

        float diff = OrtRunner.MaxAbsDiff(folded["logits"].Data, unfolded["logits"].Data);
        output.WriteLine($"GoogLeNet/4 folded vs BatchNormalization: max |logit diff| = {diff:E2}");
        Assert.True(diff < 1e-4f, $"{diff}");
    }

    [Theory]
    [InlineData("alexnet")]
    [InlineData("googlenet")]
    public void Float16_weights_stay_close_to_float32(string arch)
    {
        var weights = arch == "alexnet" ? AlexNet(AlexNetWidths.Slim) : GoogLeNet();
        var input = Image(1, 224);
        var fp32 = OrtRunner.Run(OnnxModelExporter.Export(arch, weights, new OnnxExportOptions()), input, 1, 3, 224, 224);
        var fp16 = OrtRunner.Run(OnnxModelExporter.Export(arch, weights, new OnnxExportOptions { Float16Weights = true }), input, 1, 3, 224, 224);

        float logitScale = fp32["logits"].Data.Max(MathF.Abs);
        float logitDiff = OrtRunner.MaxAbsDiff(fp32["logits"].Data, fp16["logits"].Data);
        float probDiff = OrtRunner.MaxAbsDiff(fp32["probability"].Data, fp16["probability"].Data);
        output.WriteLine($"{arch} fp16 vs fp32: max |logit diff| = {logitDiff:E2} (logits up to {logitScale:F2}), max |probability diff| = {probDiff:E2}");
        Assert.True(logitDiff <= 1e-2f * Math.Max(1f, logitScale), $"{logitDiff}");
    }

    [Fact]
    public void Metadata_and_version_reach_ONNX_Runtime()
    {
        var options = new OnnxExportOptions
        {
            ModelVersion = "2026.11-rc1",
            Metadata = new Dictionary<string, string> { ["input_contract"] = """{"size":64}""" },
            InputHeight = 64, InputWidth = 64,
        };
        using var session = new InferenceSession(OnnxModelExporter.Export("googlenet", GoogLeNet(0.125), options));
        var meta = session.ModelMetadata;

        Assert.Equal("TbScreen", meta.ProducerName);
        Assert.Equal("""{"size":64}""", meta.CustomMetadataMap["input_contract"]);
        Assert.Equal("2026.11-rc1", meta.CustomMetadataMap["tbscreen.model_version"]);
        Assert.Equal("googlenet", meta.CustomMetadataMap["tbscreen.architecture"]);
        Assert.StartsWith("[[", meta.CustomMetadataMap["tbscreen.cam.fc_weight"]);
        Assert.Equal("batch", session.InputMetadata["input"].SymbolicDimensions[0]);
        Assert.Equal([-1, 3, 64, 64], session.InputMetadata["input"].Dimensions);
        Assert.Equal("probability", session.OutputNames[0]);
    }

    [Fact]
    public void Outputs_can_be_limited_to_the_probability()
    {
        var options = new OnnxExportOptions { IncludeLogits = false, IncludeFeatures = false, IncludeFeatureMap = false, InputHeight = 64, InputWidth = 64 };
        var outputs = OrtRunner.Run(OnnxModelExporter.Export("alexnet", AlexNet(AlexNetWidths.Tiny), options), Image(1, 64), 1, 3, 64, 64);
        Assert.Equal(["probability"], outputs.Keys);
    }

    [Fact]
    public void Transform_input_matches_feeding_the_transformed_image()
    {
        var weights = GoogLeNet(0.125);
        var options = new OnnxExportOptions { InputHeight = 64, InputWidth = 64 };
        var x = Image(1, 64);
        float[] scale = [0.229f / 0.5f, 0.224f / 0.5f, 0.225f / 0.5f], shift = [(0.485f - 0.5f) / 0.5f, (0.456f - 0.5f) / 0.5f, (0.406f - 0.5f) / 0.5f];
        var transformed = x.Select((v, i) => v * scale[i / 4096] + shift[i / 4096]).ToArray();

        var withTransform = OrtRunner.Run(OnnxModelExporter.Export("googlenet", weights, options with { TransformInput = true }), x, 1, 3, 64, 64);
        var plain = OrtRunner.Run(OnnxModelExporter.Export("googlenet", weights, options), transformed, 1, 3, 64, 64);

        Assert.True(OrtRunner.MaxAbsDiff(withTransform["logits"].Data, plain["logits"].Data) < 1e-4f);
    }
}
