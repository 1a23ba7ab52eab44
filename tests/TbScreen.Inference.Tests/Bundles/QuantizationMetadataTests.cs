using System.Text.Json.Nodes;
using System.Text.Json;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx.Quantization;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Bundles;

/// <summary>The optional quantization object of INT8 bundles: validated when present; a missing INT8 model names the rebuild.</summary>
public class QuantizationMetadataTests
{
    private static readonly ModelQuantization Int8 = new()
    {
        Format = "qdq-static",
        Method = "minmax",
        Activations = "uint8",
        Weights = "int8-symmetric-per-channel",
        CalibrationSplit = "train",
        CalibrationCount = 128,
        CalibrationSha256 = new string('b', 64),
        FloatLayers = ["cam_1/Conv"],
        SourceBundle = "googlenet",
        SourceSha256 = new string('c', 64),
        ThresholdsSelectedOn = "validation",
    };

    [Fact]
    public void A_quantised_bundle_loads_and_keeps_its_record()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "googlenet-int8", withCam: true);
        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Quantization = Int8 });

        var bundle = ModelBundle.Load(dir);

        Assert.Equal(Int8.FloatLayers, bundle.Metadata.Quantization!.FloatLayers);
        Assert.Equal("train", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)))!["quantization"]!["calibrationSplit"]!);
    }

    [Fact]
    public void Calibration_on_the_test_split_or_an_unknown_method_is_refused()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "googlenet-int8", withCam: true);
        var metadata = ModelBundle.ReadMetadata(dir);

        var e = Assert.Throws<ModelMetadataException>(() => ModelBundle.WriteMetadata(dir, metadata with
        {
            Quantization = Int8 with { CalibrationSplit = "test", Method = "kl", CalibrationSha256 = "abc" },
        }));

        Assert.Contains("quantization.calibrationSplit is 'test'", e.Message);
        Assert.Contains("quantization.method is 'kl'", e.Message);
        Assert.Contains("quantization.calibrationSha256", e.Message);
    }

    [Fact]
    public void A_missing_int8_model_names_the_rebuild_command()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "googlenet-int8", withCam: true);
        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Quantization = Int8 });
        File.Delete(Path.Combine(dir, ModelBundle.OnnxFileName));

        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));

        Assert.Contains("tbscreen quantize-rebuild", e.Message);
        Assert.Contains(dir, e.Message);
    }

    [Fact]
    public void Reduce_range_is_written_only_when_set_and_read_back()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "googlenet-int8", withCam: true);
        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Quantization = Int8 });
        Assert.Null(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)))!["quantization"]!["reduceRange"]);
        Assert.False(ModelBundle.Load(dir).Metadata.Quantization!.ReduceRange);

        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Quantization = Int8 with { ReduceRange = true } });

        Assert.True((bool)JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)))!["quantization"]!["reduceRange"]!);
        Assert.True(ModelBundle.Load(dir).Metadata.Quantization!.ReduceRange);
    }

    [Fact]
    public void The_recipe_rebuild_honours_reduce_range()
    {
        // A float32 source and its reduced-range INT8 bundle, as `tbscreen quantize --reduce-range` leaves them.
        string models = TestBundles.TempDirectory();
        string source = TestBundles.WriteBundle(models, "googlenet", withCam: true);
        byte[] fp32 = File.ReadAllBytes(Path.Combine(source, ModelBundle.OnnxFileName));
        var ranges = QdqQuantizer.ExposeActivations(fp32).Tensors.ToDictionary(t => t, _ => (0f, 4f), StringComparer.Ordinal);
        byte[] reduced = QdqQuantizer.Quantize(fp32, new QdqOptions { Ranges = ranges, ReduceRange = true });
        Assert.NotEqual(reduced, QdqQuantizer.Quantize(fp32, new QdqOptions { Ranges = ranges }));
        string int8 = Path.Combine(models, "googlenet-int8");
        Directory.CreateDirectory(int8);
        File.WriteAllBytes(Path.Combine(int8, ModelBundle.OnnxFileName), reduced);
        File.WriteAllText(Path.Combine(int8, Int8Recipe.FileName), JsonSerializer.Serialize(new { ranges = ranges.ToDictionary(r => r.Key, r => new[] { r.Value.Item1, r.Value.Item2 }) }));
        var recipe = Int8 with { FloatLayers = [], ReduceRange = true, SourceSha256 = ModelBundle.Load(source).Metadata.OnnxSha256 };
        ModelBundle.WriteMetadata(int8, TestBundles.Metadata("googlenet-int8", withCam: true) with { Quantization = recipe });

        Assert.Equal(reduced, Int8Recipe.Rebuild(int8, write: false));

        // The same recipe read as full range rebuilds other bytes, which the recorded hash refuses.
        File.WriteAllText(Path.Combine(int8, ModelBundle.MetadataFileName),
            File.ReadAllText(Path.Combine(int8, ModelBundle.MetadataFileName)).Replace("\"reduceRange\": true", "\"reduceRange\": false", StringComparison.Ordinal));
        Assert.False(ModelBundle.ReadMetadata(int8).Quantization!.ReduceRange);
        var e = Assert.Throws<QuantizationException>(() => Int8Recipe.Rebuild(int8, write: false));
        Assert.Contains("hashes to", e.Message);
    }

    [Theory]
    [InlineData("uint8", false, true, false, true)] // AVX2 host, full-range U8S8: the kernels can saturate
    [InlineData("uint8", false, true, true, false)] // VNNI host
    [InlineData("uint8", true, true, false, false)] // reduced range: exact without VNNI
    [InlineData("uint8", false, false, false, false)] // not x64: not this check's kernels
    public void The_saturation_warning_needs_full_range_u8s8_on_x64_without_vnni(string activations, bool reduceRange, bool x64, bool vnni, bool warns)
    {
        string? warning = Int8Kernels.SaturationRisk(Int8 with { Activations = activations, ReduceRange = reduceRange }, x64, vnni);

        Assert.Equal(warns, warning is not null);
        if (warns) Assert.Contains("--reduce-range", warning);
        Assert.Null(Int8Kernels.SaturationRisk(null, x64, vnni)); // a float32 bundle never warns
    }

    [Fact]
    public void A_loaded_int8_classifier_carries_the_warning_this_cpu_calls_for()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "googlenet-int8", withCam: true);
        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Quantization = Int8 });
        using (var full = new OnnxClassifier(ModelBundle.Load(dir)))
        {
            Assert.Equal(Int8Kernels.IsX64 && !Int8Kernels.HasVnni, full.Int8Warning is not null);
        }

        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Quantization = Int8 with { ReduceRange = true } });
        using var reduced = new OnnxClassifier(ModelBundle.Load(dir));
        Assert.Null(reduced.Int8Warning);
    }
}
