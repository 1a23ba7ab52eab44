using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Ensembles;

public class EnsemblePolicyTests
{
    // Dyadic values throughout, so boundary comparisons are exact in binary floating point.
    private static EnsemblePolicy Policy(double threshold = 0.5, double band = 0.125, string rule = EnsembleDefinition.MeanRule, double alexWeight = 1) => new(new EnsembleDefinition
    {
        Members = [new EnsembleMember { Bundle = "alexnet", Weight = alexWeight }, new EnsembleMember { Bundle = "googlenet" }],
        Rule = rule,
        Threshold = threshold,
        UncertaintyBand = band,
    });

    private static EnsembleDecision Decide(EnsemblePolicy policy, double alex, double goog, double alexThreshold = 0.5, double googThreshold = 0.5) =>
        policy.Decide([new MemberScore("alexnet", alex, alexThreshold), new MemberScore("googlenet", goog, googThreshold)]);

    [Fact]
    public void Neither_rule_fires_when_members_agree_far_from_the_threshold()
    {
        var decision = Decide(Policy(), 0.875, 0.75);

        Assert.Equal(0.8125, decision.Probability);
        Assert.True(decision.IsTb);
        Assert.Equal(FlagReasons.None, decision.Flags);
        Assert.False(decision.Flagged);
        Assert.Empty(decision.FlagNames);
    }

    [Fact]
    public void Disagreement_fires_alone_when_members_split_but_the_mean_is_clear()
    {
        // alexnet 0.9375 >= 0.5 (TB), googlenet 0.25 < 0.5 (not TB); mean 0.59375 is outside 0.5 +/- 0.0625.
        var decision = Decide(Policy(band: 0.0625), 0.9375, 0.25);

        Assert.Equal(FlagReasons.Disagreement, decision.Flags);
        Assert.Equal(["disagreement"], decision.FlagNames);
        Assert.True(decision.IsTb);
    }

    [Fact]
    public void Uncertain_fires_alone_when_members_agree_near_the_threshold()
    {
        // Both below their thresholds of 0.75; mean 0.5625 is within 0.5 +/- 0.125.
        var decision = Decide(Policy(), 0.625, 0.5, alexThreshold: 0.75, googThreshold: 0.75);

        Assert.Equal(FlagReasons.Uncertain, decision.Flags);
        Assert.Equal(["uncertain"], decision.FlagNames);
        Assert.True(decision.IsTb);
    }

    [Fact]
    public void Both_rules_fire_together()
    {
        var decision = Decide(Policy(), 0.625, 0.375);

        Assert.Equal(FlagReasons.Disagreement | FlagReasons.Uncertain, decision.Flags);
        Assert.Equal(["disagreement", "uncertain"], decision.FlagNames);
    }

    [Fact]
    public void Members_use_their_own_thresholds_not_the_ensemble_threshold()
    {
        // 0.375 is TB for a member whose threshold is 0.25, so both call TB: no disagreement.
        var decision = Decide(Policy(band: 0), 0.375, 0.625, alexThreshold: 0.25, googThreshold: 0.5);

        Assert.Equal(FlagReasons.None, decision.Flags);
    }

    [Fact]
    public void A_probability_exactly_at_a_threshold_counts_as_tb()
    {
        var decision = Decide(Policy(band: 0), 0.5, 0.5);

        Assert.True(decision.IsTb);
        Assert.All(decision.Members, m => Assert.True(m.CalledTb));
        Assert.Equal(FlagReasons.None, decision.Flags);
    }

    [Theory]
    [InlineData(0.375, 0.375, true)] // mean 0.375 = 0.5 - 0.125: on the lower edge, inside
    [InlineData(0.625, 0.625, true)] // mean 0.625 = 0.5 + 0.125: on the upper edge, inside
    [InlineData(0.359375, 0.359375, false)] // 1/64 below the lower edge
    [InlineData(0.640625, 0.640625, false)] // 1/64 above the upper edge
    public void The_uncertainty_band_includes_its_edges(double alex, double goog, bool uncertain)
    {
        // Member thresholds far away so only the band rule can fire.
        var decision = Decide(Policy(), alex, goog, alexThreshold: 0, googThreshold: 0);

        Assert.Equal(uncertain, decision.Flags.HasFlag(FlagReasons.Uncertain));
    }

    [Fact]
    public void Band_zero_switches_the_uncertain_rule_off()
    {
        Assert.Equal(FlagReasons.None, Decide(Policy(band: 0), 0.5, 0.5, 0, 0).Flags);
    }

    [Fact]
    public void Weighted_rule_uses_member_weights()
    {
        // (3 * 0.75 + 1 * 0.25) / 4 = 0.625.
        var decision = Decide(Policy(rule: EnsembleDefinition.WeightedRule, alexWeight: 3, band: 0), 0.75, 0.25);
        Assert.Equal(0.625, decision.Probability);

        // The mean rule ignores weights.
        Assert.Equal(0.5, Decide(Policy(alexWeight: 3, band: 0), 0.75, 0.25).Probability);
    }

    [Fact]
    public void Scores_must_match_the_definition_order_and_be_probabilities()
    {
        var policy = Policy();
        Assert.Throws<ArgumentException>(() => policy.Decide([new MemberScore("googlenet", 0.5, 0.5), new MemberScore("alexnet", 0.5, 0.5)]));
        Assert.Throws<ArgumentException>(() => policy.Decide([new MemberScore("alexnet", 0.5, 0.5)]));
        Assert.Throws<ArgumentException>(() => Decide(policy, 1.5, 0.5));
    }

    [Theory]
    [InlineData("one member", "members must list at least two")]
    [InlineData("bad rule", "rule is 'max'")]
    [InlineData("band too wide", "uncertaintyBand (0.5)")]
    [InlineData("unknown heatmap member", "heatmapMember 'resnet'")]
    public void Invalid_definitions_are_rejected_with_the_reason(string problem, string reason)
    {
        var definition = problem switch
        {
            "one member" => new EnsembleDefinition { Members = [new EnsembleMember { Bundle = "alexnet" }] },
            "bad rule" => Valid() with { Rule = "max" },
            "band too wide" => Valid() with { UncertaintyBand = 0.5 },
            _ => Valid() with { HeatmapMember = "resnet" },
        };

        var e = Assert.Throws<ArgumentException>(() => new EnsemblePolicy(definition));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Ensemble_json_loads_and_reports_its_path_when_invalid()
    {
        string models = TestBundles.TempDirectory();
        TestBundles.WriteEnsembleJson(models, Valid() with { UncertaintyBand = 0.0625 });
        Assert.Equal(0.0625, EnsembleDefinition.Load(models).UncertaintyBand);

        File.WriteAllText(Path.Combine(models, EnsembleDefinition.FileName), "{\"members\": [], \"rule\": \"median\"}");
        var e = Assert.Throws<ModelBundleException>(() => EnsembleDefinition.Load(models));
        Assert.Contains("ensemble.json: invalid", e.Message);
        Assert.Contains("'median'", e.Message);

        Assert.Contains("not found", Assert.Throws<ModelBundleException>(() => EnsembleDefinition.Load(TestBundles.TempDirectory())).Message);
    }

    private static EnsembleDefinition Valid() => new()
    {
        Members = [new EnsembleMember { Bundle = "alexnet" }, new EnsembleMember { Bundle = "googlenet" }],
    };
}
