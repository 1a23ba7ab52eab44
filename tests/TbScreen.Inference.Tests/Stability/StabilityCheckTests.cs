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
    public void Invalid_options_are_refused()
    {
        using var ensemble = TbEnsemble.Load(TestBundles.WriteEnsemble(band: 0));
        Assert.Throws<ArgumentException>(() => new StabilityCheck(ensemble.Members, ensemble.Policy, Options with { Epsilon = 0 }));
        Assert.Throws<ArgumentException>(() => new StabilityCheck(ensemble.Members, ensemble.Policy, Options with { RandomSamples = 0, SearchSteps = 0 }));
    }

    private static EnsembleDecision Decide(TbEnsemble ensemble, float[] tensor) =>
        ensemble.Policy.Decide(ensemble.Scores(ensemble.Members.Select(m => m.PredictOne(tensor).TbProbability).ToArray()));

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
