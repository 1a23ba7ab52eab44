using TbScreen.Imaging;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.OutOfDistribution;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.OutOfDistribution;

/// <summary>The "unfamiliar" flag end to end on the tiny ONNX bundles (features = each channel's mean intensity).</summary>
public class UnfamiliarFlagTests
{
    /// <summary>Fits both members on phantoms of brightness 0.9–1.1 (train) and 0.92–1.08 (val), as fit-ood does.</summary>
    private static string FittedEnsemble()
    {
        string models = TestBundles.WriteEnsemble(withFeatures: true);
        var images = new Dictionary<string, Radiograph>();
        var train = new List<string>();
        var validation = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            string key = $"train-{i}";
            images[key] = PhantomImages.Radiograph(0.9 + 0.01 * i, seed: 1 + i);
            train.Add(key);
        }

        for (int i = 0; i < 8; i++)
        {
            string key = $"val-{i}";
            images[key] = PhantomImages.Radiograph(0.92 + 0.02 * i, seed: 40 + i);
            validation.Add(key);
        }

        using var ensemble = TbEnsemble.Load(models);
        var results = OodFitting.Run(ensemble.Members, train, validation, k => images[k], components: 48, quantile: 0.99, new string('d', 64), "phantoms");
        Assert.All(results, r => Assert.NotNull(r.Model));
        return models;
    }

    [Fact]
    public void A_far_image_is_flagged_unfamiliar_and_one_inside_the_cloud_is_not()
    {
        using var ensemble = TbEnsemble.Load(FittedEnsemble());
        var screener = new RadiographScreener(ensemble);

        var inside = screener.Screen(PhantomImages.Radiograph(1.0, seed: 5)).Decision;
        var far = screener.Screen(PhantomImages.Radiograph(0.3, seed: 5)).Decision;

        Assert.InRange(inside.Unfamiliarity!.Value, 0, 1);
        Assert.False(inside.Flags.HasFlag(FlagReasons.Unfamiliar));
        Assert.True(far.Unfamiliarity > 1);
        Assert.True(far.Flags.HasFlag(FlagReasons.Unfamiliar));
        Assert.True(far.Flagged); // goes to the worklist
        Assert.Contains("unfamiliar", far.FlagNames);
    }

    [Fact]
    public void The_ensemble_score_is_the_largest_member_distance_over_its_threshold()
    {
        using var ensemble = TbEnsemble.Load(FittedEnsemble());
        var radiograph = PhantomImages.Radiograph(0.6, seed: 7);
        var tensor = RadiographPipeline.ToTensor(radiograph, ensemble.Members[0].Contract);

        double[] memberScores = [.. ensemble.Members.Select(m => m.Bundle.Ood!.Distance(m.PredictOne(tensor).Features!) / m.Bundle.Ood.Threshold)];
        var decision = new RadiographScreener(ensemble).Screen(radiograph).Decision;

        Assert.Equal(memberScores.Max(), decision.Unfamiliarity!.Value, 9);
    }

    [Fact]
    public void Bundles_without_features_never_raise_it()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble());

        var decision = new RadiographScreener(ensemble).Screen(PhantomImages.Radiograph(0.05)).Decision;

        Assert.Null(decision.Unfamiliarity);
        Assert.False(decision.Flags.HasFlag(FlagReasons.Unfamiliar));
        Assert.All(ensemble.Members, m => Assert.Null(m.PredictOne(RadiographPipeline.ToTensor(PhantomImages.Radiograph(1), m.Contract)).Features));
    }

    [Theory]
    [InlineData(1.0, false)] // at the threshold: as familiar as the quantile's validation image
    [InlineData(1.0000001, true)]
    [InlineData(0.2, false)]
    [InlineData(double.NaN, true)] // NaN features are no evidence of familiarity
    public void The_flag_fires_strictly_above_one(double score, bool flagged)
    {
        var decision = new EnsembleDecision(0.3, 0.5, false, FlagReasons.None, []);

        var scored = EnsemblePolicy.WithUnfamiliarity(decision, score);

        Assert.Equal(flagged, scored.Flags.HasFlag(FlagReasons.Unfamiliar));
        Assert.Equal(flagged ? ["unfamiliar"] : Array.Empty<string>(), scored.FlagNames);
        Assert.Equal(score, scored.Unfamiliarity);
    }

    [Fact]
    public void Members_without_a_detector_are_skipped_and_none_gives_no_score()
    {
        Assert.Equal(1.5, EnsemblePolicy.UnfamiliarityOf([0.4, null, 1.5]));
        Assert.Null(EnsemblePolicy.UnfamiliarityOf([null, null]));
        Assert.True(double.IsNaN(EnsemblePolicy.UnfamiliarityOf([2.0, double.NaN, 0.5])!.Value));
        Assert.Same(EnsembleDecisionFixture, EnsemblePolicy.WithUnfamiliarity(EnsembleDecisionFixture, null));
    }

    private static readonly EnsembleDecision EnsembleDecisionFixture = new(0.3, 0.5, false, FlagReasons.Uncertain, []);
}
