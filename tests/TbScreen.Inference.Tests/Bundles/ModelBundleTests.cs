using System.Text.Json;
using System.Text.Json.Nodes;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Bundles;

public class ModelBundleTests
{
    [Fact]
    public void A_valid_bundle_loads_with_its_operating_threshold_and_contract()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "googlenet", withCam: true, threshold: 0.4);

        var bundle = ModelBundle.Load(dir);

        Assert.Equal("googlenet", bundle.Name);
        Assert.Equal(0.4, bundle.Threshold);
        Assert.Equal(TinyOnnxModel.Size, bundle.Metadata.Input!.Size);
        Assert.Equal("cam", bundle.Metadata.Onnx.Cam);
        Assert.Equal(ModelBundle.Sha256Of(bundle.OnnxPath), bundle.Metadata.OnnxSha256);
    }

    [Fact]
    public void A_bundle_whose_onnx_hash_differs_is_refused_naming_the_bundle_and_both_hashes()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);
        string expected = ModelBundle.Sha256Of(Path.Combine(dir, ModelBundle.OnnxFileName));
        // A retrained or swapped model: a valid ONNX file, just not the one the metadata describes.
        File.WriteAllBytes(Path.Combine(dir, ModelBundle.OnnxFileName), TinyOnnxModel.Build([[0f, 0f, 0f], [2f, 2f, 2f]], [0f, 0f], withCam: false));
        string actual = ModelBundle.Sha256Of(Path.Combine(dir, ModelBundle.OnnxFileName));

        var e = Assert.Throws<ModelHashMismatchException>(() => ModelBundle.Load(dir));

        Assert.Equal(expected, e.ExpectedSha256);
        Assert.Equal(actual, e.ActualSha256);
        Assert.Equal(dir, e.BundlePath);
        Assert.Contains(dir, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains(actual, e.Message);
    }

    [Fact]
    public void Metadata_round_trips_as_camel_case_json_with_the_input_contract()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)))!;

        Assert.Equal(1, (int)json["schemaVersion"]!);
        Assert.Equal(8, (int)json["input"]!["size"]!);
        Assert.Equal("letterbox", (string)json["input"]!["resizeMode"]!);
        Assert.Equal("youden", (string)json["thresholds"]!["operating"]!);
        Assert.Equal(64, ((string)json["onnxSha256"]!).Length);
    }

    [Fact]
    public void Every_metadata_problem_is_listed_at_once()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);
        Mutate(dir, json =>
        {
            json["schemaVersion"] = 2;
            json.AsObject().Remove("name");
            json["labels"] = new JsonArray("only-one");
            json["thresholds"]!["youden"] = 1.5;
            json["thresholds"]!["operating"] = "best";
            json["input"]!["size"] = 0;
            json.AsObject().Remove("training");
            json["onnxSha256"] = "abc";
        });

        var e = Assert.Throws<ModelMetadataException>(() => ModelBundle.Load(dir));

        Assert.Contains(e.Problems, p => p.Contains("schemaVersion is 2"));
        Assert.Contains(e.Problems, p => p.StartsWith("name"));
        Assert.Contains(e.Problems, p => p.StartsWith("labels"));
        Assert.Contains(e.Problems, p => p.StartsWith("thresholds.youden (1.5)"));
        Assert.Contains(e.Problems, p => p.Contains("thresholds.operating is 'best'"));
        Assert.Contains(e.Problems, p => p.StartsWith("input:"));
        Assert.Contains(e.Problems, p => p.StartsWith("training"));
        Assert.Contains(e.Problems, p => p.StartsWith("onnxSha256"));
        Assert.StartsWith(dir + ": invalid metadata.json: ", e.Message);
    }

    [Fact]
    public void Broken_json_names_the_bundle_and_the_parse_error()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);
        File.WriteAllText(Path.Combine(dir, ModelBundle.MetadataFileName), "{ \"name\": ");

        var e = Assert.Throws<ModelMetadataException>(() => ModelBundle.Load(dir));

        Assert.Contains("not valid JSON", e.Message);
        Assert.Contains(dir, e.Message);
    }

    [Fact]
    public void Missing_files_are_named()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);
        File.Delete(Path.Combine(dir, ModelBundle.OnnxFileName));
        Assert.Contains("model.onnx not found", Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir)).Message);

        File.Delete(Path.Combine(dir, ModelBundle.MetadataFileName));
        Assert.Contains("metadata.json not found", Assert.Throws<ModelMetadataException>(() => ModelBundle.Load(dir)).Message);
    }

    [Fact]
    public void A_pipeline_version_this_build_lacks_is_refused()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);
        Mutate(dir, json => json["input"]!["pipelineVersion"] = "tbscreen-preprocess-99");

        var e = Assert.Throws<ModelMetadataException>(() => ModelBundle.Load(dir));

        Assert.Contains(e.Problems, p => p.Contains("tbscreen-preprocess-99"));
    }

    private static void Mutate(string dir, Action<JsonNode> change)
    {
        string path = Path.Combine(dir, ModelBundle.MetadataFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        change(json);
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
