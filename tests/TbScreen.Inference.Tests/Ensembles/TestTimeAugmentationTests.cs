using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Ensembles;

/// <summary>
/// Test-time views on the tiny ONNX nets, whose TB logit is linear in the input's mean: each view's probability is
/// known in closed form from the warped plane's mean, an independent reference for what ONNX Runtime returns.
/// </summary>
public sealed class TestTimeAugmentationTests
{
    private static readonly TestTimeAugmentation ZoomOutAndShift = new()
    {
        Views = [new AffineView { Scale = 0.8 }, new AffineView { ShiftX = 0.25 }],
    };

    [Fact]
    public void A_member_scores_the_mean_over_the_image_and_its_views_and_keeps_the_image_s_own_cam()
    {
        string models = TestBundles.WriteEnsemble(withFeatures: true);
        using var member = new OnnxClassifier(ModelBundle.Load(Path.Combine(models, "googlenet")));
        var contract = member.Contract;
        float[] tensor = RadiographPipeline.ToTensor(PhantomImages.Radiograph(0.8), contract);

        var averaged = TestTimeAugmentation.Predict(member, [tensor], ZoomOutAndShift)[0];

        // googlenet: weights ±0.5 on three equal channels, bias (0.1, 0): TB logit - normal logit = 3 x mean - 0.1.
        float[] plane = tensor.Take(contract.Size * contract.Size).Select(v => (v * contract.Std) + contract.Mean).ToArray();
        double Probability(float[] unitPlane) => 1 / (1 + Math.Exp(-((3 * unitPlane.Average(v => (v - contract.Mean) / contract.Std)) - 0.1)));
        double expected = new[] { plane }.Concat(ZoomOutAndShift.Views.Select(v => PlaneWarp.Apply(plane, contract.Size, v))).Average(Probability);
        Assert.Equal(expected, averaged.TbProbability, 5);
        Assert.Equal(1 - expected, averaged.Probabilities[0], 5);

        var own = member.PredictOne(tensor);
        Assert.True(own.TbProbability - averaged.TbProbability > 0.01, "the darker views lower the mean");
        Assert.Equal(own.Cam!.Values, averaged.Cam!.Values);
        Assert.Equal(own.Features, averaged.Features);
    }

    [Fact]
    public void Without_views_a_member_s_predictions_are_its_own()
    {
        string models = TestBundles.WriteEnsemble();
        using var member = new OnnxClassifier(ModelBundle.Load(Path.Combine(models, "alexnet")));
        float[][] tensors = [RadiographPipeline.ToTensor(PhantomImages.Radiograph(0.6), member.Contract), RadiographPipeline.ToTensor(PhantomImages.Radiograph(1.0), member.Contract)];

        var plain = TestTimeAugmentation.Predict(member, tensors, null);

        Assert.Equal(member.Predict(tensors).Select(p => p.TbProbability), plain.Select(p => p.TbProbability));
    }

    [Fact]
    public void The_screener_decides_on_the_averaged_scores_and_draws_the_heatmap_from_the_image_itself()
    {
        string models = TestBundles.WriteEnsemble();
        using var plainEnsemble = TbEnsemble.Load(models);
        TestBundles.WriteEnsembleJson(models, EnsembleDefinition.Load(models) with { TestTimeAugmentation = ZoomOutAndShift });
        using var ensemble = TbEnsemble.Load(models);
        Radiograph[] images = [PhantomImages.Radiograph(0.7), PhantomImages.Radiograph(0.9)];

        var results = new RadiographScreener(ensemble).ScreenBatch(images);
        var plain = new RadiographScreener(plainEnsemble).ScreenBatch(images);

        for (int i = 0; i < images.Length; i++)
        {
            for (int m = 0; m < ensemble.Members.Count; m++)
            {
                var member = ensemble.Members[m];
                float expected = TestTimeAugmentation.Predict(member, [RadiographPipeline.ToTensor(images[i], member.Contract)], ZoomOutAndShift)[0].TbProbability;
                Assert.Equal(expected, results[i].Decision.Members[m].Probability, 6);
            }

            Assert.Equal(results[i].Decision.Members.Average(m => m.Probability), results[i].Decision.Probability, 12);
            Assert.NotEqual(plain[i].Decision.Probability, results[i].Decision.Probability, 3);
            Assert.Equal(plain[i].Heatmap!.Values, results[i].Heatmap!.Values);
        }
    }

    [Fact]
    public void The_definition_reads_its_views_and_refuses_unusable_ones_naming_the_file()
    {
        string models = TestBundles.WriteEnsemble();
        string path = Path.Combine(models, EnsembleDefinition.FileName);
        string json = File.ReadAllText(path);
        string WithViews(string views) => json.TrimEnd().TrimEnd('}') + $", \"testTimeAugmentation\": {{ \"views\": [{views}] }} }}";

        File.WriteAllText(path, WithViews("{ \"scale\": 1.06 }, { \"rotationDegrees\": -5 }, { \"shiftY\": 0.04 }"));
        var definition = EnsembleDefinition.Load(models);
        Assert.Equal([1.06, 1, 1], definition.TestTimeAugmentation!.Views.Select(v => v.Scale));
        Assert.Equal(-5, definition.TestTimeAugmentation.Views[1].RotationDegrees);
        Assert.Equal(0.04, definition.TestTimeAugmentation.Views[2].ShiftY);
        Assert.Equal(4, definition.TestTimeViews);

        File.WriteAllText(path, WithViews("{ \"scale\": 1.06 }, { \"scale\": 1 }"));
        var e = Assert.Throws<ModelBundleException>(() => EnsembleDefinition.Load(models));
        Assert.Contains(path, e.Message);
        Assert.Contains("views[1] is the image itself", e.Message);

        File.WriteAllText(path, WithViews("{ \"rotationDegrees\": 60 }"));
        e = Assert.Throws<ModelBundleException>(() => EnsembleDefinition.Load(models));
        Assert.Contains("views[0]: rotationDegrees (60) must be within ±45", e.Message);

        File.WriteAllText(path, WithViews(""));
        e = Assert.Throws<ModelBundleException>(() => EnsembleDefinition.Load(models));
        Assert.Contains("must list at least one view", e.Message);
    }
}
