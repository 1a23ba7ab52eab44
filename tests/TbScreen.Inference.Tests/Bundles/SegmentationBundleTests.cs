using System.Text.Json.Nodes;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Bundles;

/// <summary>models/lungs: its own metadata kind, validated and hash-checked; never mistaken for a classifier.</summary>
public sealed class SegmentationBundleTests
{
    [Fact]
    public void A_segmentation_bundle_loads_and_is_told_apart_from_a_classifier()
    {
        string models = TestBundles.TempDirectory();
        string lungs = TinySegmentationModel.WriteBundle(models);
        string classifier = TestBundles.WriteBundle(models, "alexnet", withCam: false);

        var bundle = SegmentationBundle.Load(lungs);

        Assert.Equal("lungs", bundle.Name);
        Assert.Equal(0.5, bundle.Metadata.Threshold);
        Assert.Equal(2, bundle.Metadata.KeepComponents);
        Assert.True(BundleTasks.IsSegmentation(lungs));
        Assert.False(BundleTasks.IsSegmentation(classifier));
        Assert.Equal(BundleTasks.Classification, BundleTasks.Of(classifier));
        // The classifier loader refuses it with a reason instead of half-loading it.
        var e = Assert.Throws<ModelMetadataException>(() => ModelBundle.Load(lungs));
        Assert.Contains("labels", e.Message);
    }

    [Fact]
    public void A_changed_model_file_is_refused()
    {
        string lungs = TinySegmentationModel.WriteBundle(TestBundles.TempDirectory());
        File.AppendAllText(Path.Combine(lungs, ModelBundle.OnnxFileName), " ");

        Assert.Throws<ModelHashMismatchException>(() => SegmentationBundle.Load(lungs));
    }

    [Fact]
    public void Every_metadata_problem_is_listed_at_once()
    {
        string lungs = TinySegmentationModel.WriteBundle(TestBundles.TempDirectory());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(lungs, ModelBundle.MetadataFileName)))!;
        json["task"] = "classification";
        json["threshold"] = 1.5;
        json["input"]!["channels"] = 3;
        File.WriteAllText(Path.Combine(lungs, ModelBundle.MetadataFileName), json.ToJsonString());

        var e = Assert.Throws<ModelMetadataException>(() => SegmentationBundle.Load(lungs));

        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Contains("task is 'classification'"));
        Assert.Contains(e.Problems, p => p.Contains("threshold 1.5"));
        Assert.Contains(e.Problems, p => p.Contains("one channel"));
        Assert.StartsWith(lungs, e.Message);
    }
}
