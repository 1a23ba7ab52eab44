using System.Text.Json;
using TbScreen.Cli;

namespace TbScreen.Audit.Tests;

public sealed class ReportTableTests
{
    [Fact]
    public void Rows_must_match_the_columns()
    {
        Assert.Throws<ArgumentException>(() => ReportTable.Create("t", ["a", "b"], [["1"]]));
        Assert.Equal(2, ReportTable.Create("t", ["a", "b"], [["1", "2"], ["3", "4"]]).Rows.Count);
    }

    [Fact]
    public void Csv_quotes_fields_with_commas_and_quotes()
    {
        var table = ReportTable.Create("t", ["value [CI]", "note"], [["0.500 [0.1, 0.9]", "say \"hi\""]]);
        Assert.Equal("value [CI],note\n\"0.500 [0.1, 0.9]\",\"say \"\"hi\"\"\"\n", TableCsv.Render(table));
    }

    [Theory]
    [InlineData(0.12345, null, "0.123")]
    [InlineData(null, null, "-")]
    [InlineData(double.NaN, null, "-")]
    [InlineData(0.5, new[] { 0.25, 0.75 }, "0.500 [0.250, 0.750]")]
    public void Numbers_and_cis_format_invariantly(double? value, double[]? ci, string expected) =>
        Assert.Equal(expected, TableFormat.WithCi(value, ci));

    [Fact]
    public void Fairness_json_and_the_demographics_composition_carry_top_level_tables()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-audit-tables", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var predictions = new List<string> { "file,label,source,alexnet,googlenet,ensemble,decision,flags" };
        var manifest = new List<string> { "file,label,sex,age,source" };
        for (int i = 0; i < 60; i++)
        {
            bool tb = i % 2 == 0;
            double score = tb ? 0.6 + (i % 7) / 20.0 : 0.1 + (i % 9) / 20.0;
            predictions.Add($"img{i}.png,{(tb ? 1 : 0)},a,{score},{score},{score},{(score >= 0.5 ? 1 : 0)},");
            manifest.Add($"img{i}.png,{(tb ? 1 : 0)},{(i % 4 < 2 ? "F" : "M")},{10 + i},a");
        }

        File.WriteAllLines(Path.Combine(dir, "p.csv"), predictions);
        File.WriteAllLines(Path.Combine(dir, "m.csv"), manifest);
        var stderr = new StringWriter();
        Assert.Equal(0, TbScreenCli.Run(["audit", "--scores", Path.Combine(dir, "p.csv"), "--data", Path.Combine(dir, "m.csv"), "--by", "sex,age",
            "--bootstrap", "50", "--min-group", "5", "--out", Path.Combine(dir, "full")], new StringWriter(), stderr));
        Assert.Equal(0, TbScreenCli.Run(["audit", "--demographics-only", "--data", Path.Combine(dir, "m.csv"), "--by", "sex",
            "--out", Path.Combine(dir, "composition")], new StringWriter(), stderr));

        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir, "full", "rates-sex.svg")));
        Assert.True(File.Exists(Path.Combine(dir, "full", "rates-age.svg")));
        using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "full", "fairness.json")));
        var tables = full.RootElement.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(3, tables.Count);
        foreach (var table in tables)
        {
            Assert.False(string.IsNullOrWhiteSpace(table.GetProperty("title").GetString()));
            int columns = table.GetProperty("columns").GetArrayLength();
            Assert.All(table.GetProperty("rows").EnumerateArray(), row =>
            {
                Assert.Equal(columns, row.GetArrayLength());
                Assert.All(row.EnumerateArray(), cell => Assert.Equal(JsonValueKind.String, cell.ValueKind));
            });
        }

        var groupRows = tables[0].GetProperty("rows").EnumerateArray().Select(r => r[0].GetString()).ToList();
        Assert.Contains("sex=F", groupRows);
        Assert.Contains("age=15-34", groupRows);
        Assert.Contains("60 cases (30 TB)", full.RootElement.GetProperty("summary").GetString());
        Assert.Equal("tables", full.RootElement.EnumerateObject().First().Name);

        using var composition = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "composition", "fairness.json")));
        var rows = composition.RootElement.GetProperty("tables")[0].GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["sex=F", "30", "15", "0.500", ""], rows.Single(r => r[0].GetString() == "sex=F").EnumerateArray().Select(c => c.GetString()));
    }
}
