using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class JobComponentsTests : BunitContext
{
    private static readonly JobResultRow[] Rows =
    [
        new() { FileName = "a.dcm", Status = "ok", Decision = "tb", Flag = "none", Ensemble = 0.9, ResultUrl = "/results/1" },
        new() { FileName = "b.dcm", Status = "ok", Decision = "not-tb", Flag = "disagreement", Ensemble = 0.2, ResultUrl = "/results/2" },
        new() { FileName = "c.dcm", Status = "invalid-dicom", Error = "c.dcm: truncated element" },
    ];

    private static string[] Files(IRenderedComponent<JobResultsTable> cut) =>
        cut.FindAll("tbody tr[data-file]").Select(r => r.GetAttribute("data-file")!).ToArray();

    [Fact]
    public void Progress_shows_counts_state_bar_and_failures()
    {
        var cut = Render<JobProgress>(p => p.Add(c => c.Job, new JobProgressView("running", 30, 120, 2, new Dictionary<string, int> { ["invalid-dicom"] = 2 })));

        Assert.Contains("Running", cut.Find(".tb-job-progress__state").TextContent);
        Assert.Contains("30 of 120 files, 2 failed", cut.Find(".tb-job-progress__counts").TextContent);
        var bar = cut.Find("progress.tb-job-progress__bar");
        Assert.Equal(("120", "30"), (bar.GetAttribute("max"), bar.GetAttribute("value")));
        Assert.Equal("Files screened", bar.GetAttribute("aria-label"));
        Assert.Empty(cut.FindAll("[style]"));
        Assert.Contains("invalid-dicom: 2", cut.Find(".tb-job-progress__failures").TextContent);
    }

    [Fact]
    public void Results_filter_by_decision_flag_and_errors()
    {
        var cut = Render<JobResultsTable>(p => p.Add(c => c.Rows, Rows));
        Assert.Equal(["a.dcm", "b.dcm", "c.dcm"], Files(cut));

        cut.Find("select[data-filter=decision]").Change(nameof(DecisionFilter.Tb));
        Assert.Equal(["a.dcm"], Files(cut));

        cut.Find("select[data-filter=decision]").Change(nameof(DecisionFilter.All));
        cut.Find("select[data-filter=flag]").Change(nameof(FlagFilter.Flagged));
        Assert.Equal(["b.dcm"], Files(cut));

        cut.Find("select[data-filter=flag]").Change(nameof(FlagFilter.All));
        cut.Find("select[data-filter=outcome]").Change(nameof(OutcomeFilter.Errors));
        Assert.Equal(["c.dcm"], Files(cut));
        Assert.Contains("invalid-dicom: c.dcm: truncated element", cut.Find("tr[data-file='c.dcm']").TextContent);
    }

    [Fact]
    public void Csv_export_link_and_callback_get_the_shown_rows()
    {
        IReadOnlyList<JobResultRow>? exported = null;
        var cut = Render<JobResultsTable>(p => p
            .Add(c => c.Rows, Rows)
            .Add(c => c.CsvUrl, "/api/jobs/3/results.csv")
            .Add(c => c.OnExportCsv, rows => exported = rows));
        Assert.Equal("/api/jobs/3/results.csv", cut.Find("a.tb-job-results__export").GetAttribute("href"));

        cut.Find("select[data-filter=outcome]").Change(nameof(OutcomeFilter.Ok));
        cut.Find("button.tb-job-results__export").Click();

        Assert.Equal(["a.dcm", "b.dcm"], exported!.Select(r => r.FileName));
        Assert.Equal(
            "file,status,decision,flag,ensemble,error\r\na.dcm,ok,tb,none,0.9,\r\nb.dcm,ok,not-tb,disagreement,0.2,\r\n",
            JobResultsCsv.Build(exported!));
    }

    [Fact]
    public void Csv_quotes_and_neutralises_formulas()
    {
        var row = new JobResultRow { FileName = "=cmd,\"x\".dcm", Status = "invalid-dicom", Error = "bad, really" };
        Assert.Equal("file,status,decision,flag,ensemble,error\r\n\"'=cmd,\"\"x\"\".dcm\",invalid-dicom,,,,\"bad, really\"\r\n", JobResultsCsv.Build([row]));
    }

    [Fact]
    public void Research_banner_says_research_use_only()
    {
        var cut = Render<ResearchUseBanner>();
        Assert.Contains("Research use only, not a medical device.", cut.Find("[role=note]").TextContent);
    }
}
