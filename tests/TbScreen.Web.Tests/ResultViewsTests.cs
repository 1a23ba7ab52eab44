using TbScreen.Inference.Ensembles;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Viewing;

namespace TbScreen.Web.Tests;

public sealed class ResultViewsTests
{
    private static StoredOutcome Stored(Dictionary<string, double>? members) => new(7, null, null, new DateTime(2026, 12, 4, 8, 0, 0), new ScreeningOutcome
    {
        Source = "/store/x.dcm", Status = ScreeningStatus.Ok, ModelVersion = "alexnet@1.0.0+googlenet@1.0.0+resnet18@1.0.0",
        AlexNetProbability = 0.1, GoogLeNetProbability = 0.2, EnsembleProbability = 0.4, Decision = "not-tb", Flag = "none",
        MemberProbabilities = members,
    });

    [Fact]
    public void Every_flag_reason_the_pipeline_can_raise_has_a_label_and_an_explanation_on_the_dashboard()
    {
        var decision = new EnsembleDecision(0.5, 0.5, true, FlagReasons.None, []);
        foreach (FlagReasons reason in Enum.GetValues<FlagReasons>().Where(r => r != FlagReasons.None))
        {
            string name = Assert.Single((decision with { Flags = reason }).FlagNames);
            Assert.NotEqual(name, Components.Models.Labels.FlagReason(name));
            Assert.NotEqual("The pipeline flagged this case for review.", Components.Models.Labels.FlagExplanation(name));
        }

        Assert.Equal("Looks inverted", Components.Models.Labels.FlagReason("inverted"));
    }

        [Fact]
    public void A_three_member_result_keeps_the_third_members_score_for_the_card()
    {
        var view = ResultViews.ToView(Stored(new() { ["alexnet"] = 0.1, ["googlenet"] = 0.2, ["resnet18"] = 0.9 }), 0.76);

        Assert.Equal((0.1, 0.2), (view.AlexNet, view.GoogLeNet));
        Assert.Equal([new KeyValuePair<string, double>("resnet18", 0.9)], view.OtherMembers);
    }

    [Fact]
    public void Results_stored_before_member_maps_show_the_named_pair_only()
    {
        var view = ResultViews.ToView(Stored(null), 0.5);

        Assert.Equal((0.1, 0.2), (view.AlexNet, view.GoogLeNet));
        Assert.Empty(view.OtherMembers);
    }
}
