using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class ResultCardTests : BunitContext
{
    private static ResultView FlaggedPositive() => new()
    {
        Id = "42",
        FileName = "chest-001.dcm",
        Status = "ok",
        AlexNet = 0.8123,
        GoogLeNet = 0.3456,
        Ensemble = 0.5789,
        Threshold = 0.52,
        Decision = "tb",
        FlagReasons = ResultView.ParseFlag("disagreement+uncertain"),
        FlagDetail = "members disagree: alexnet tb (0.8123 vs 0.5000), googlenet not-tb (0.3456 vs 0.5000); refer to a radiologist",
        Metadata = [new("Sex", "F"), new("View", "PA")],
        ModelVersion = "ensemble-2026.11",
        ScreenedAt = new DateTimeOffset(2026, 11, 26, 9, 30, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Renders_every_score_the_decision_and_each_flag_reason_in_words()
    {
        var cut = Render<ResultCard>(p => p.Add(c => c.Result, FlaggedPositive()));

        Assert.Equal("0.812", cut.Find("[data-score=alexnet] .tb-scores__value").TextContent);
        Assert.Equal("0.346", cut.Find("[data-score=googlenet] .tb-scores__value").TextContent);
        Assert.Equal("0.579", cut.Find("[data-score=ensemble] .tb-scores__value").TextContent);

        var decision = cut.Find("[data-decision]");
        Assert.Equal("tb", decision.GetAttribute("data-decision"));
        Assert.Contains("tb-decision--tb", decision.ClassList);
        Assert.Contains("TB suspected", decision.TextContent);
        Assert.Contains("0.579 ≥ threshold 0.520", decision.TextContent);

        Assert.Equal("true", cut.Find("[data-flagged]").GetAttribute("data-flagged"));
        Assert.Contains("Flagged for radiologist review", cut.Markup);
        var reasons = cut.FindAll(".tb-flag-reasons li");
        Assert.Equal(["disagreement", "uncertain"], reasons.Select(r => r.GetAttribute("data-reason")));
        Assert.Contains("reach different decisions at their own thresholds", reasons[0].TextContent);
        Assert.Contains("members disagree", cut.Find(".tb-flag-detail").TextContent);

        Assert.Equal(["Sex", "View"], cut.FindAll(".tb-metadata dt").Select(d => d.TextContent));
        Assert.Contains("ensemble-2026.11", cut.Find(".tb-result-card__footer").TextContent);
        Assert.Contains("2026-11-26 09:30 UTC", cut.Find(".tb-result-card__footer").TextContent);
    }

    [Fact]
    public void Score_bars_are_svg_geometry_with_the_threshold_mark_and_no_style_attribute()
    {
        var cut = Render<ResultCard>(p => p.Add(c => c.Result, FlaggedPositive()));

        // Each bar's fill ends at the score and the mark stands at the threshold, on a 0..100 axis.
        Assert.Equal("81.2", cut.Find("[data-score=alexnet] svg.tb-bar rect.tb-bar__fill").GetAttribute("width"));
        Assert.Equal("57.9", cut.Find("[data-score=ensemble] svg.tb-bar rect.tb-bar__fill").GetAttribute("width"));
        var mark = cut.Find("[data-score=ensemble] svg.tb-bar line.tb-bar__threshold");
        Assert.Equal(("52", "52"), (mark.GetAttribute("x1"), mark.GetAttribute("x2")));
        Assert.Empty(cut.FindAll("[style]"));
        Assert.Empty(cut.FindAll("style, script"));
    }

    [Fact]
    public void A_third_members_score_gets_its_own_row_between_the_pair_and_the_ensemble()
    {
        var cut = Render<ResultCard>(p => p.Add(c => c.Result, FlaggedPositive() with { OtherMembers = [new("resnet18", 0.9201)] }));

        Assert.Equal(["alexnet", "googlenet", "resnet18", "ensemble"], cut.FindAll("[data-score]").Select(r => r.GetAttribute("data-score")));
        Assert.Equal("0.920", cut.Find("[data-score=resnet18] .tb-scores__value").TextContent);
        Assert.Equal("ResNet-18", cut.Find("[data-score=resnet18] th").TextContent);
    }

    [Fact]
    public void An_unflagged_negative_says_so_with_its_own_style()
    {
        var result = FlaggedPositive() with { Decision = "not-tb", Ensemble = 0.1, FlagReasons = [], FlagDetail = null };

        var cut = Render<ResultCard>(p => p.Add(c => c.Result, result));

        Assert.Contains("tb-decision--not-tb", cut.Find("[data-decision]").ClassList);
        Assert.Contains("No TB detected", cut.Find("[data-decision]").TextContent);
        Assert.Contains("0.100 < threshold 0.520", cut.Find("[data-decision]").TextContent);
        Assert.Equal("false", cut.Find("[data-flagged]").GetAttribute("data-flagged"));
        Assert.Empty(cut.FindAll(".tb-flag-reasons"));
    }

    [Fact]
    public void Unstable_flag_from_the_robustness_check_is_explained()
    {
        var result = FlaggedPositive() with { FlagReasons = ["unstable"] };

        var cut = Render<ResultCard>(p => p.Add(c => c.Result, result));

        var reason = cut.Find(".tb-flag-reasons li");
        Assert.Equal("unstable", reason.GetAttribute("data-reason"));
        Assert.Contains("changes under small perturbations", reason.TextContent);
    }

    [Fact]
    public void Unfamiliar_flag_is_shown_with_its_explanation()
    {
        var result = FlaggedPositive() with { FlagReasons = ResultView.ParseFlag("uncertain+unfamiliar") };

        var cut = Render<ResultCard>(p => p.Add(c => c.Result, result));

        var reason = cut.FindAll(".tb-flag-reasons li").Single(li => li.GetAttribute("data-reason") == "unfamiliar");
        Assert.Contains("Unfamiliar image", reason.TextContent);
        Assert.Contains("often not a frontal chest X-ray or an unusual acquisition", reason.TextContent);
        Assert.Equal("true", cut.Find("[data-flagged]").GetAttribute("data-flagged"));
    }

    [Fact]
    public void Inverted_flag_is_shown_with_its_explanation()
    {
        var result = FlaggedPositive() with { FlagReasons = ResultView.ParseFlag("unfamiliar+lungs-not-found+inverted") };

        var cut = Render<ResultCard>(p => p.Add(c => c.Result, result));

        var reason = cut.FindAll(".tb-flag-reasons li").Single(li => li.GetAttribute("data-reason") == "inverted");
        Assert.Contains("Looks inverted", reason.TextContent);
        Assert.Contains("MONOCHROME1 image exported without inversion", reason.TextContent);
    }

    [Fact]
    public void Uid_conflict_is_shown_to_reviewers_with_its_explanation()
    {
        var result = FlaggedPositive() with { FlagReasons = ResultView.ParseFlag("disagreement+uid-conflict") };

        var cut = Render<ResultCard>(p => p.Add(c => c.Result, result));

        var reason = cut.FindAll(".tb-flag-reasons li").Single(li => li.GetAttribute("data-reason") == "uid-conflict");
        Assert.Contains("UID conflict", reason.TextContent);
        Assert.Contains("different pixels already carries this SOP Instance UID", reason.TextContent);
    }

    [Fact]
    public void Error_state_shows_the_status_and_reason_and_no_scores()
    {
        var result = new ResultView { Id = "7", FileName = "scan.dcm", Status = "invalid-dicom", Error = "scan.dcm: the preamble is not followed by DICM", ModelVersion = "v1" };

        var cut = Render<ResultCard>(p => p.Add(c => c.Result, result));

        var alert = cut.Find("[role=alert]");
        Assert.Contains("invalid-dicom", alert.TextContent);
        Assert.Contains("not followed by DICM", alert.TextContent);
        Assert.Empty(cut.FindAll(".tb-scores"));
        Assert.Empty(cut.FindAll("[data-decision]"));
    }

    [Theory]
    [InlineData("none", new string[0])]
    [InlineData(null, new string[0])]
    [InlineData("disagreement", new[] { "disagreement" })]
    [InlineData("disagreement+uncertain", new[] { "disagreement", "uncertain" })]
    public void ParseFlag_reads_the_api_flag_field(string? flag, string[] expected) =>
        Assert.Equal(expected, ResultView.ParseFlag(flag));
}
