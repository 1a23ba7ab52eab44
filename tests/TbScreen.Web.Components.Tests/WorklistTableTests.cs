using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class WorklistTableTests : BunitContext
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private static readonly WorklistRow[] Rows =
    [
        new() { Id = "1", FileName = "a.dcm", ScreenedAt = Day.AddHours(1), Ensemble = 0.55, Decision = "tb", Flagged = true, Reason = "uncertain" },
        new() { Id = "2", FileName = "b.dcm", ScreenedAt = Day.AddHours(3), Ensemble = 0.91, Decision = "tb", Flagged = false, Reason = "none" },
        new() { Id = "3", FileName = "c.png", ScreenedAt = Day.AddHours(2), Ensemble = 0.30, Decision = "not-tb", Flagged = true, Reason = "disagreement" },
        new() { Id = "4", FileName = "d.dcm", ScreenedAt = Day.AddHours(4), Ensemble = 0.48, Decision = "not-tb", Flagged = true, Reason = "disagreement+uncertain", FinalLabel = "not-tb" },
    ];

    private IRenderedComponent<WorklistTable> RenderTable(Action<WorklistRow>? open = null) =>
        Render<WorklistTable>(p => p
            .Add(c => c.Rows, Rows)
            .Add(c => c.InitialResolution, ResolutionFilter.Any)
            .Add(c => c.OnOpen, open ?? (_ => { })));

    private static string[] Ids(IRenderedComponent<WorklistTable> cut) =>
        cut.FindAll("tbody tr[data-row-id]").Select(r => r.GetAttribute("data-row-id")!).ToArray();

    [Fact]
    public void Default_order_is_newest_first()
    {
        Assert.Equal(["4", "2", "3", "1"], Ids(RenderTable()));
    }

    [Fact]
    public void Unresolved_is_the_default_review_filter()
    {
        var cut = Render<WorklistTable>(p => p.Add(c => c.Rows, Rows));
        Assert.DoesNotContain("4", Ids(cut));
        Assert.Equal(3, Ids(cut).Length);
    }

    [Fact]
    public void Scope_filters_flagged_and_positive_cases()
    {
        var cut = RenderTable();

        cut.Find("select[data-filter=scope]").Change(nameof(WorklistScope.Flagged));
        Assert.Equal(["4", "3", "1"], Ids(cut));

        cut.Find("select[data-filter=scope]").Change(nameof(WorklistScope.Positive));
        Assert.Equal(["2", "1"], Ids(cut));
        Assert.Contains("2 of 4 cases", cut.Find(".tb-worklist__count").TextContent);
    }

    [Fact]
    public void Resolution_filter_separates_resolved_cases()
    {
        var cut = RenderTable();

        cut.Find("select[data-filter=resolution]").Change(nameof(ResolutionFilter.Resolved));
        Assert.Equal(["4"], Ids(cut));
        Assert.Contains("Resolved: No TB detected", cut.Find("tr[data-row-id='4']").TextContent);

        cut.Find("select[data-filter=resolution]").Change(nameof(ResolutionFilter.Unresolved));
        Assert.Equal(["2", "3", "1"], Ids(cut));
    }

    [Fact]
    public void Search_matches_file_names_and_reasons_case_insensitively()
    {
        var cut = RenderTable();

        cut.Find("input[data-filter=search]").Input("C.PNG");
        Assert.Equal(["3"], Ids(cut));

        cut.Find("input[data-filter=search]").Input("disagree");
        Assert.Equal(["4", "3"], Ids(cut));

        cut.Find("input[data-filter=search]").Input("nothing-like-this");
        Assert.Empty(Ids(cut));
        Assert.Contains("No cases match", cut.Markup);
    }

    [Fact]
    public void Sorting_by_score_toggles_direction_and_marks_the_header()
    {
        var cut = RenderTable();

        cut.Find("button[data-sort=Score]").Click();
        Assert.Equal(["2", "1", "4", "3"], Ids(cut));
        Assert.Equal("descending", cut.Find("button[data-sort=Score]").ParentElement!.GetAttribute("aria-sort"));

        cut.Find("button[data-sort=Score]").Click();
        Assert.Equal(["3", "4", "1", "2"], Ids(cut));
        Assert.Equal("ascending", cut.Find("button[data-sort=Score]").ParentElement!.GetAttribute("aria-sort"));
    }

    [Fact]
    public void Sorting_by_status_and_reason()
    {
        var cut = RenderTable();

        cut.Find("button[data-sort=Status]").Click();
        Assert.Equal("4", Ids(cut)[0]);

        cut.Find("button[data-sort=Reason]").Click();
        // Ascending by reason text: "Networks disagree" < "Networks disagree, Uncertain score" < "Positive" < "Uncertain score".
        Assert.Equal(["3", "4", "2", "1"], Ids(cut));
    }

    [Fact]
    public void Open_raises_the_callback_with_the_row()
    {
        WorklistRow? opened = null;
        var cut = RenderTable(r => opened = r);

        cut.Find("tr[data-row-id='3'] button.tb-worklist__open").Click();

        Assert.Equal("3", opened?.Id);
    }
}
