using System.Text.Json;
using TbScreen.Web.Components;

namespace TbScreen.Web.Components.Tests;

public sealed class ReportTablesTests : BunitContext
{
    private const string Report = """
        {
          "summary": "Test split, 412 images.",
          "tables": [
            { "title": "Discrimination", "columns": ["model", "AUC", "n", "calibrated"],
              "rows": [["alexnet", 0.912345, 412, true], ["googlenet", 0.9, 412, null]] },
            { "title": "Empty", "columns": ["a"], "rows": [] }
          ]
        }
        """;

    [Fact]
    public void Renders_the_summary_and_every_table_from_json()
    {
        using var doc = JsonDocument.Parse(Report);
        var cut = Render<ReportTables>(p => p.Add(c => c.Json, doc.RootElement.Clone()).Add(c => c.Title, "evaluation.json"));

        Assert.Equal("Test split, 412 images.", cut.Find(".tb-report__summary").TextContent);
        var tables = cut.FindAll("table");
        Assert.Equal(2, tables.Count);
        Assert.Equal("Discrimination", tables[0].QuerySelector("caption")!.TextContent);
        Assert.Equal(["model", "AUC", "n", "calibrated"], tables[0].QuerySelectorAll("th").Select(t => t.TextContent));
        var firstRow = tables[0].QuerySelectorAll("tbody tr")[0].QuerySelectorAll("td").Select(t => t.TextContent).ToArray();
        Assert.Equal(["alexnet", "0.9123", "412", "yes"], firstRow);
        Assert.Equal("–", tables[0].QuerySelectorAll("tbody tr")[1].QuerySelectorAll("td")[3].TextContent);
        Assert.Contains("No rows.", tables[1].TextContent);
    }

    [Fact]
    public void Accepts_a_parsed_model_with_summary_fields()
    {
        var model = ReportDocument.Parse("""{ "summary": { "images": 10, "site": "A" }, "tables": [] }""");
        var cut = Render<ReportTables>(p => p.Add(c => c.Report, model));

        Assert.Equal(["images", "site"], cut.FindAll(".tb-report__fields dt").Select(d => d.TextContent));
        Assert.Equal(["10", "A"], cut.FindAll(".tb-report__fields dd").Select(d => d.TextContent));
    }

    [Fact]
    public void A_document_breaking_the_contract_shows_the_reason()
    {
        using var doc = JsonDocument.Parse("""{ "tables": [ { "title": "t", "columns": ["a", "b"], "rows": [[1]] } ] }""");
        var cut = Render<ReportTables>(p => p.Add(c => c.Json, doc.RootElement.Clone()).Add(c => c.Title, "fairness.json"));

        var error = cut.Find("[role=alert]");
        Assert.Contains("fairness.json", error.TextContent);
        Assert.Contains("tables[0].rows[0] has 1 cells for 2 columns", error.TextContent);
        Assert.Empty(cut.FindAll("table"));
    }

    [Theory]
    [InlineData("[]", "not an object")]
    [InlineData("{}", "no \"tables\" array")]
    [InlineData("{ \"tables\": [ { \"title\": \"x\" } ] }", "no \"columns\" array")]
    [InlineData("{ not json", "not valid JSON")]
    public void Parse_errors_name_the_source_and_reason(string json, string reason)
    {
        var ex = Assert.Throws<ReportFormatException>(() => ReportDocument.Parse(json, "r.json"));
        Assert.StartsWith("r.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SvgFigure_renders_an_image_with_alt_text_and_caption()
    {
        var cut = Render<SvgFigure>(p => p.Add(c => c.Src, "/reports/roc.svg").Add(c => c.Alt, "ROC curve of the ensemble").Add(c => c.Caption, "ROC, test split"));

        var img = cut.Find("figure img");
        Assert.Equal("/reports/roc.svg", img.GetAttribute("src"));
        Assert.Equal("ROC curve of the ensemble", img.GetAttribute("alt"));
        Assert.Equal("ROC, test split", cut.Find("figcaption").TextContent);
    }
}
