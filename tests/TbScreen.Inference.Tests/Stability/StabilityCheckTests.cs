using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Stability;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Stability;

/// <summary>The per-result stability check on tiny ONNX nets whose TB score rises with mean brightness.</summary>
public sealed class StabilityCheckTests
{
    private static readonly StabilityOptions Options = new() { Enabled = true, Epsilon = 2 / 255.0, Seed = 7 };

    [Fact]
    public void A_decision_just_above_the_threshold_is_flagged_unstable()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble(band: 0));
        float[] tensor = UniformTensor(ensemble, GreyWithProbability(ensemble, 0.505));
        var decision = Decide(ensemble, tensor);
        Assert.True(decision.IsTb);

        var finding = new StabilityCheck(ensemble.Members, ensemble.Policy, Options).Check(tensor, decision);
        var flagged = EnsemblePolicy.WithStability(decision, finding);

        Assert.True(finding.Flipped);
        Assert.True(finding.WorstProbability < 0.5);
        Assert.True(flagged.Flags.HasFlag(FlagReasons.Unstable));
        Assert.Contains("unstable", flagged.FlagNames);
    }

    [Fact]
    public void A_confident_decision_is_not_flagged_and_the_whole_budget_is_spent()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble(band: 0));
        float[] tensor = UniformTensor(ensemble, GreyWithProbability(ensemble, 0.95));
        var decision = Decide(ensemble, tensor);

        var finding = new StabilityCheck(ensemble.Members, ensemble.Policy, Options).Check(tensor, decision);
        var result = EnsemblePolicy.WithStability(decision, finding);

        Assert.False(finding.Flipped);
        Assert.Equal(Options.QueriesPerImage, finding.Queries);
        Assert.InRange(finding.WorstProbability, 0.5, decision.Probability); // the search moved toward the threshold, not across
        Assert.False(result.Flags.HasFlag(FlagReasons.Unstable));
        Assert.Same(finding, result.Stability);
    }

    [Fact]
    public void The_check_is_deterministic_for_a_seed()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble(band: 0));
        float[] tensor = UniformTensor(ensemble, GreyWithProbability(ensemble, 0.9));
        var decision = Decide(ensemble, tensor);
        var check = new StabilityCheck(ensemble.Members, ensemble.Policy, Options);

        var first = check.Check(tensor, decision);
        var second = check.Check(tensor, decision);
        var otherSeed = new StabilityCheck(ensemble.Members, ensemble.Policy, Options with { Seed = 8 }).Check(tensor, decision);

        Assert.Equal(first, second);
        Assert.NotEqual(first.WorstProbability, otherSeed.WorstProbability);
    }

    [Fact]
    public void The_screener_runs_the_check_only_when_enabled()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble(band: 0));
        var image = PhantomImages.Radiograph(brightness: 0.8);

        Assert.Null(new RadiographScreener(ensemble).Screen(image).Decision.Stability);
        var checkedDecision = new RadiographScreener(ensemble, Options).Screen(image).Decision;
        Assert.NotNull(checkedDecision.Stability);
        Assert.Equal(Options.Epsilon, checkedDecision.Stability!.Epsilon);
    }

    [Fact]
    public void With_test_time_views_the_queries_are_scored_with_the_views_as_screening_scores_the_image()
    {
        // A zoom-out view mixes in black, so a uniform grey scores far lower with the views than alone. The decision
        // sits just above the threshold with the views; scored without them it would be far above, out of reach.
        string models = TestBundles.WriteEnsemble(band: 0);
        TestBundles.WriteEnsembleJson(models, EnsembleDefinition.Load(models) with
        {
            TestTimeAugmentation = new TestTimeAugmentation { Views = [new Imaging.AffineView { Scale = 0.8 }] },
        });
        using var ensemble = TbEnsemble.Load(models);
        float[] tensor = UniformTensor(ensemble, GreyWithProbability(ensemble, 0.505));
        var decision = Decide(ensemble, tensor);
        double alone = ensemble.Members.Average(m => m.PredictOne(tensor).TbProbability);
        Assert.True(alone > 0.55, $"without the views {alone:F3}");

        var finding = new StabilityCheck(ensemble.Members, ensemble.Policy, Options with { Epsilon = 8 / 255.0 }).Check(tensor, decision);

        Assert.True(finding.Flipped, $"worst {finding.WorstProbability:F4}");
        Assert.InRange(finding.WorstProbability, 0.45, 0.5);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble(band: 0));
        Assert.Throws<ArgumentException>(() => new StabilityCheck(ensemble.Members, ensemble.Policy, Options with { Epsilon = 0 }));
        Assert.Throws<ArgumentException>(() => new StabilityCheck(ensemble.Members, ensemble.Policy, Options with { RandomSamples = 0, SearchSteps = 0 }));
    }

    private static EnsembleDecision Decide(TbEnsemble ensemble, float[] tensor) =>
        ensemble.Policy.Decide(ensemble.Scores(ensemble.Members
            .Select(m => TestTimeAugmentation.Predict(m, [tensor], ensemble.Policy.Definition.TestTimeAugmentation)[0].TbProbability).ToArray()));

    private static float[] UniformTensor(TbEnsemble ensemble, double grey)
    {
        var contract = ensemble.Members[0].Contract;
        return Enumerable.Repeat((float)((grey - contract.Mean) / contract.Std), contract.Channels * contract.Size * contract.Size).ToArray();
    }

    /// <summary>The uniform grey level whose ensemble probability is the target (bisection: the score rises with brightness).</summary>
    private static double GreyWithProbability(TbEnsemble ensemble, double target)
    {
        double low = 0, high = 1;
        for (int i = 0; i < 40; i++)
        {
            double mid = (low + high) / 2;
            if (Decide(ensemble, UniformTensor(ensemble, mid)).Probability < target)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return high;
    }
}
