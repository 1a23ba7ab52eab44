using System.Xml.Linq;
using TbScreen.Audit.Bias;

namespace TbScreen.Audit.Tests;

public sealed class BiasReportTests
{
    private static BiasExperimentReport Report()
    {
        bool[] labels = [true, true, false, false, true, true, false, false];
        double[] scores = [0.9, 0.4, 0.6, 0.1, 0.8, 0.7, 0.2, 0.3];
        bool[] group = [true, true, true, true, false, false, false, false];
        var clean = BiasEvaluation.Compute(BiasEvaluation.CleanLabels, labels, scores, group, 0.5, 50, 1);
        bool[] flipped = [false, true, false, false, true, true, false, false];
        var biased = BiasEvaluation.Compute(BiasEvaluation.BiasedLabels, flipped, scores, group, 0.5, 50, 1);
        return new BiasExperimentReport("n", "random=0.5", "why", 0.5, "alexnet", 8, 1, 8, 4, 2,
        [
            new BiasSetting("label-0.00", 0, 0, 10, 0, 0, 8, 0.9, clean, clean),
            new BiasSetting("label-0.50", 0.5, 0, 10, 5, 0, 7, 0.8, biased, clean),
        ], []);
    }

    [Fact]
    public void Tables_have_one_row_per_model_and_labelling_and_the_summary_compares_the_extremes()
    {
        var report = Report();
        var tables = BiasExperimentTables.For(report);
        Assert.Equal(4, tables[0].Rows.Count);
        Assert.Equal(["label-0.50", "0.50", "0.00", "biased labels", "8 (3)", "0.625 [0.306, 0.863]"], tables[0].Rows[2].Take(6));
        Assert.Equal(["label-0.50", "10", "5", "0", "7", "0.800"], tables[1].Rows[1]);
        Assert.Contains("accuracy on biased labels 0.750 -> 0.625, on clean labels 0.750 -> 0.750", BiasExperimentTables.Summary(report));
    }

    [Fact]
    public void The_plot_is_valid_svg_with_one_point_per_model_and_labelling()
    {
        string svg = BiasPlot.AccuracyVsGap(Report(), e => e.EqualisedOdds, "equalised-odds gap");
        var root = XElement.Parse(svg);
        var circles = root.Descendants().Where(e => e.Name.LocalName == "circle").ToList();
        Assert.Equal(4 + 2, circles.Count); // 2 models x 2 labellings, plus 2 legend markers
        Assert.All(circles, c => Assert.InRange(double.Parse(c.Attribute("cx")!.Value, System.Globalization.CultureInfo.InvariantCulture), 0, 620));
    }
}
