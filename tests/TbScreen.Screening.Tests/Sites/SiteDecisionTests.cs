using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Stability;
using TbScreen.Screening.Sites;

namespace TbScreen.Screening.Tests.Sites;

public sealed class SiteDecisionTests
{
    // Mean of two members, shipped threshold 0.5 with a band of 0.05; each member's own threshold 0.35.
    private static readonly EnsemblePolicy Policy = new(new EnsembleDefinition
    {
        Members = [new EnsembleMember { Bundle = "alexnet" }, new EnsembleMember { Bundle = "googlenet" }],
        Threshold = 0.5,
        UncertaintyBand = 0.05,
    });

    private static EnsembleDecision Shipped(double a, double g) =>
        Policy.Decide([new MemberScore("alexnet", a, 0.35), new MemberScore("googlenet", g, 0.35)]);

    [Fact]
    public void TheSiteThresholdDecides()
    {
        // (0.30 + 0.40) / 2 = 0.35: below the shipped 0.5, at or above a site's 0.35.
        var shipped = Shipped(0.30, 0.40);
        Assert.False(shipped.IsTb);
        var site = SiteDecision.Apply(shipped, Policy, 0.35);
        Assert.True(site.IsTb);
        Assert.Equal(0.35, site.Threshold);
        Assert.Equal(0.35, site.Probability, 12);
        Assert.False(SiteDecision.Apply(shipped, Policy, 0.3501).IsTb);
    }

    [Fact]
    public void TheUncertaintyBandMovesWithTheThresholdAndDisagreementStays()
    {
        var shipped = Shipped(0.30, 0.40); // members disagree at 0.35 each; 0.35 is 0.15 from 0.5: not uncertain
        Assert.Equal(FlagReasons.Disagreement, shipped.Flags);
        Assert.Equal(FlagReasons.Disagreement | FlagReasons.Uncertain, SiteDecision.Apply(shipped, Policy, 0.39).Flags); // |0.35 - 0.39| <= 0.05
        Assert.Equal(FlagReasons.Disagreement, SiteDecision.Apply(shipped, Policy, 0.41).Flags); // 0.06 away
    }

    [Fact]
    public void TheShippedThresholdLeavesTheDecisionAsItIs()
    {
        var shipped = Shipped(0.6, 0.7);
        Assert.Same(shipped, SiteDecision.Apply(shipped, Policy, 0.5));
    }

    [Fact]
    public void StabilityIsReadAgainstTheSiteThreshold()
    {
        // Worst case 0.32 from 0.35: no flip at the shipped 0.5, a flip at a site's 0.33.
        var shipped = EnsemblePolicy.WithStability(Shipped(0.30, 0.40), new StabilityFinding(2 / 255.0, Flipped: false, WorstProbability: 0.32, Queries: 10));
        Assert.False(shipped.Flags.HasFlag(FlagReasons.Unstable));
        Assert.True(SiteDecision.Apply(shipped, Policy, 0.33).Flags.HasFlag(FlagReasons.Unstable));
        Assert.False(SiteDecision.Apply(shipped, Policy, 0.30).Flags.HasFlag(FlagReasons.Unstable));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void AThresholdOutsideTheUnitIntervalIsRefused(double threshold) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SiteDecision.Apply(Shipped(0.3, 0.4), Policy, threshold));
}
