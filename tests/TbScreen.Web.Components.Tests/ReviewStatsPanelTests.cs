using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class ReviewStatsPanelTests : BunitContext
{
    [Fact]
    public void With_no_final_reads_it_says_so_instead_of_a_number()
    {
        var cut = Render<ReviewStatsPanel>(p => p.Add(c => c.Stats, new ReviewStatsView(5, 0, 3, 0, null)));

        var accuracy = cut.Find("[data-stat=accuracy]");
        Assert.Contains("No final reads yet", accuracy.TextContent);
        Assert.DoesNotContain("%", accuracy.TextContent);
        Assert.Equal("5", cut.Find("[data-stat=flagged] .tb-stat__value").TextContent);
        Assert.Equal("3", cut.Find("[data-stat=positives] .tb-stat__value").TextContent);
    }

    [Fact]
    public void With_final_reads_it_shows_accuracy_and_n()
    {
        var cut = Render<ReviewStatsPanel>(p => p.Add(c => c.Stats, new ReviewStatsView(8, 6, 4, 6, 5.0 / 6, 4.0 / 6)));

        var accuracy = cut.Find("[data-stat=accuracy]");
        Assert.Contains("83.3%", accuracy.TextContent);
        Assert.Contains("n = 6 final reads", accuracy.TextContent);
        Assert.Contains("model alone 66.7%", accuracy.TextContent);
        Assert.Contains("75.0% of flagged", cut.Find("[data-stat=resolved]").TextContent);
    }
}
