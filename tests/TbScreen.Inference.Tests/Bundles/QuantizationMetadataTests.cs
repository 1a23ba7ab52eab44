using System.Text.Json.Nodes;
using TbScreen.Inference.Bundles;
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
}
