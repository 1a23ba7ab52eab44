using System.Text.Json.Nodes;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Bundles;

/// <summary>The optional lineage object of pruned bundles: validated when present, absent in older bundles.</summary>
public class LineageTests
{
    private static readonly ModelLineage Pruned = new()
    {
        Kind = "pruning",
        SourceCheckpoint = "/runs/alexnet/last.pt",
        SourceSha256 = new string('a', 64),
        Method = "lr-rewind",
        Rate = 0.2,
        Rounds = 4,
        RewindEpoch = 9,
        RetrainEpochs = 3,
        Sparsity = 0.5904,
        Compression = 2.44,
        Structured = true,
    };

    [Fact]
    public void A_bundle_with_lineage_loads_and_keeps_it()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet-pruned", withCam: false);
        ModelBundle.WriteMetadata(dir, ModelBundle.ReadMetadata(dir) with { Lineage = Pruned });

        var bundle = ModelBundle.Load(dir);

        Assert.Equal(Pruned, bundle.Metadata.Lineage);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)))!;
        Assert.Equal("lr-rewind", (string)json["lineage"]!["method"]!);
        Assert.True((bool)json["lineage"]!["structured"]!);
    }

    [Fact]
    public void Old_bundles_without_lineage_stay_valid()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false);
        Assert.DoesNotContain("lineage", File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)));
        Assert.Null(ModelBundle.Load(dir).Metadata.Lineage);
    }

    [Fact]
    public void A_broken_lineage_is_refused_with_every_problem()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet-pruned", withCam: false);
        var metadata = ModelBundle.ReadMetadata(dir);
        var bad = Pruned with { SourceSha256 = "xyz", Sparsity = 1.2, Compression = 0.5, Method = "" };
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelBundle.MetadataFileName)))!;
        json["lineage"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(bad, BundleJson.Options));
        File.WriteAllText(Path.Combine(dir, ModelBundle.MetadataFileName), json.ToJsonString());

        var e = Assert.Throws<ModelMetadataException>(() => ModelBundle.Load(dir));

        Assert.Contains("lineage.sourceSha256", e.Message);
        Assert.Contains("lineage.sparsity", e.Message);
        Assert.Contains("lineage.compression", e.Message);
        Assert.Contains("lineage.method", e.Message);
        Assert.NotNull(metadata);
    }

    [Fact]
    public void An_ensemble_can_be_loaded_from_another_definition_file()
    {
        string models = TestBundles.WriteEnsemble();
        var definition = EnsembleDefinition.Load(models);
        TestBundles.WriteEnsembleJson(models, definition with { Threshold = 0.3 });
        File.Move(Path.Combine(models, EnsembleDefinition.FileName), Path.Combine(models, "ensemble-pruned.json"));

        using var ensemble = TbEnsemble.Load(models, ensembleFile: "ensemble-pruned.json");

        Assert.Equal(0.3, ensemble.Policy.Definition.Threshold);
        var missing = Assert.Throws<ModelBundleException>(() => TbEnsemble.Load(models));
        Assert.Contains(EnsembleDefinition.FileName, missing.Message);
    }
}
