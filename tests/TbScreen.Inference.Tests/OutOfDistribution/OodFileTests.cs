using TbScreen.Inference.Bundles;
using TbScreen.Inference.OutOfDistribution;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.OutOfDistribution;

/// <summary>ood.json travels with its SHA-256 in metadata.json: round trip, tampering, staleness.</summary>
public class OodFileTests
{
    private static (string Bundle, OodModel Model) FittedBundle()
    {
        string bundle = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false, withFeatures: true);
        var metadata = ModelBundle.ReadMetadata(bundle);
        float[][] train = [[0, 0, 1], [2, 0, 1], [0, 4, 1], [2, 4, 1]];
        var model = OodFitter.Fit(train, [[1, 2, 1], [1, 6, 1]], 2, 0.99,
            new OodFeatureSource { OnnxSha256 = metadata.OnnxSha256, FeaturesOutput = TinyOnnxModel.EmbeddingOutput, DataSha256 = new string('b', 64), Description = "test" });
        OodFile.Write(bundle, model);
        return (bundle, model);
    }

    [Fact]
    public void Written_ood_json_loads_back_with_the_bundle()
    {
        var (dir, model) = FittedBundle();

        var bundle = ModelBundle.Load(dir);

        Assert.Equal(ModelBundle.Sha256Of(Path.Combine(dir, OodFile.FileName)), bundle.Metadata.OodSha256);
        var loaded = bundle.Ood!.Model;
        Assert.Equal(model.Threshold, loaded.Threshold);
        Assert.Equal(model.Mean, loaded.Mean); // [1, 2, 1]: exact in 9 digits
        // Variances are stored to 9 significant digits (4/3 as 1.33333333), scalars exactly.
        Assert.Equal(OodFile.Compact(model).Variances, loaded.Variances);
        Assert.All(model.Variances.Zip(loaded.Variances), p => Assert.Equal(p.First, p.Second, p.First * 1e-8));
        Assert.Equal(model.ResidualScale, loaded.ResidualScale);
        // One line (models/ has a size budget), variances 16/3 and 4/3 to 9 significant digits.
        string text = File.ReadAllText(Path.Combine(dir, OodFile.FileName));
        Assert.Single(text.TrimEnd('\n').Split('\n'));
        Assert.Contains("\"variances\":[5.33333333,1.33333333]", text);
        Assert.Equal(4, loaded.FitCount);
        Assert.Equal(2, loaded.Components);
        Assert.Equal(0.99, loaded.Quantile);
        Assert.Equal(new string('b', 64), loaded.Source.DataSha256);
        double distance = new OodDetector(model).Distance([5f, 5f, 1f]);
        Assert.Equal(distance, bundle.Ood.Distance([5f, 5f, 1f]), distance * 1e-8);
    }

    [Fact]
    public void An_edited_ood_json_is_refused_with_both_hashes()
    {
        var (dir, _) = FittedBundle();
        string path = Path.Combine(dir, OodFile.FileName);
        string expected = ModelBundle.Sha256Of(path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"quantile\":0.99", "\"quantile\":0.5", StringComparison.Ordinal));

        var e = Assert.Throws<OodHashMismatchException>(() => ModelBundle.Load(dir));

        Assert.Equal(expected, e.ExpectedSha256);
        Assert.Equal(ModelBundle.Sha256Of(path), e.ActualSha256);
        Assert.Contains(OodFile.FileName, e.Message);
        Assert.Contains(dir, e.Message);
    }

    [Fact]
    public void An_ood_json_the_metadata_does_not_name_is_refused()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false, withFeatures: true);
        File.WriteAllText(Path.Combine(dir, OodFile.FileName), "{}");

        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains("no oodSha256", e.Message);
    }

    [Fact]
    public void A_detector_fitted_on_another_model_onnx_is_not_written()
    {
        string dir = TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false, withFeatures: true);
        var model = OodFitter.Fit([[0, 0, 0], [1, 1, 1]], [[0, 0, 0]], 1, 0.99, new OodFeatureSource { OnnxSha256 = new string('c', 64) });

        var e = Assert.Throws<ModelBundleException>(() => OodFile.Write(dir, model));
        Assert.Contains("stale", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, OodFile.FileName)));
    }

    [Fact]
    public void A_missing_ood_json_named_in_metadata_is_refused()
    {
        var (dir, _) = FittedBundle();
        File.Delete(Path.Combine(dir, OodFile.FileName));

        var e = Assert.Throws<ModelBundleException>(() => ModelBundle.Load(dir));
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Old_bundles_without_features_load_without_a_detector() =>
        Assert.Null(ModelBundle.Load(TestBundles.WriteBundle(TestBundles.TempDirectory(), "alexnet", withCam: false)).Ood);
}
