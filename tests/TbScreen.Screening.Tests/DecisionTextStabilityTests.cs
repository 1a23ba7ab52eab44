using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Stability;

namespace TbScreen.Screening.Tests;

/// <summary>The "unstable" flag reaches the stable strings of the CSV, the store and the API.</summary>
public sealed class DecisionTextStabilityTests
{
    private static EnsembleDecision Decision(FlagReasons flags) =>
        new(0.8964, 0.8965, false, flags, [new MemberScore("alexnet", 0.84, 0.88), new MemberScore("googlenet", 0.95, 0.96)]);

    [Fact]
    public void An_unstable_result_names_the_flag_and_the_perturbation()
    {
        var decision = EnsemblePolicy.WithStability(Decision(FlagReasons.Uncertain), new StabilityFinding(2 / 255.0, true, 0.9097, 12));

        Assert.Equal("uncertain+unstable", DecisionText.Flag(decision));
        string reason = DecisionText.Reason(decision);
        Assert.Contains("unstable: a change of at most 2 grey levels per pixel", reason);
        Assert.Contains("0.9097", reason);
        Assert.EndsWith("refer to a radiologist", reason);
    }

    [Fact]
    public void A_stable_result_keeps_its_flags()
    {
        var decision = EnsemblePolicy.WithStability(Decision(FlagReasons.None), new StabilityFinding(2 / 255.0, false, 0.85, 22));

        Assert.Equal(DecisionText.NoFlag, DecisionText.Flag(decision));
        Assert.DoesNotContain("unstable", DecisionText.Reason(decision));
        Assert.Equal(22, decision.Stability!.Queries);
    }
}
