using TbScreen.Inference.Ensembles;

namespace TbScreen.Screening.Tests;

/// <summary>The "unfamiliar" flag reaches the stable strings of the CSV, the store and the API.</summary>
public sealed class DecisionTextUnfamiliarTests
{
    private static EnsembleDecision Decision(FlagReasons flags) =>
        new(0.20, 0.50, false, flags, [new MemberScore("alexnet", 0.18, 0.5), new MemberScore("googlenet", 0.22, 0.5)]);

    [Fact]
    public void An_unfamiliar_result_is_flagged_and_says_why_with_its_score()
    {
        var decision = EnsemblePolicy.WithUnfamiliarity(Decision(FlagReasons.None), 3.4217);

        Assert.Equal("unfamiliar", DecisionText.Flag(decision));
        Assert.True(decision.Flagged);
        Assert.Equal(
            "unfamiliar image: unlike the training radiographs; often not a frontal chest X-ray or an unusual acquisition (score 3.42, above 1 is unfamiliar); refer to a radiologist",
            DecisionText.Reason(decision));
    }

    [Fact]
    public void It_joins_the_other_reasons_last()
    {
        var decision = EnsemblePolicy.WithUnfamiliarity(Decision(FlagReasons.Disagreement | FlagReasons.Unstable), 1.5);
        Assert.Equal("disagreement+unstable+unfamiliar", DecisionText.Flag(decision));
    }

    [Fact]
    public void A_familiar_result_keeps_its_text()
    {
        var decision = EnsemblePolicy.WithUnfamiliarity(Decision(FlagReasons.None), 0.7);

        Assert.Equal(DecisionText.NoFlag, DecisionText.Flag(decision));
        Assert.DoesNotContain("unfamiliar", DecisionText.Reason(decision));
        Assert.Equal(0.7, decision.Unfamiliarity);
    }
}
