using System.Xml.Linq;
using TbScreen.Inference.Metrics;

namespace TbScreen.Inference.Tests.Metrics;

public class CalibrationAndBootstrapTests
{
    /// <summary>
    /// Bin [0.1,0.2): 0.15, 0.15 with labels 0,1 -> conf 0.15, acc 0.5, gap 0.35, weight 2/4.
    /// Bin [0.9,1.0]: 0.95, 1.0 with labels 1,1 -> conf 0.975, acc 1, gap 0.025, weight 2/4.
    /// ECE = 0.5 * 0.35 + 0.5 * 0.025 = 0.1875.
    /// </summary>
    [Fact]
    public void Ece_matches_hand_value_and_one_lands_in_the_last_bin()
    {
        var report = Calibration.Compute(new ScoredCases([0.15, 0.15, 0.95, 1.0], [false, true, true, true]));

        Assert.Equal(0.1875, report.ExpectedCalibrationError!.Value, 12);
        Assert.Equal(10, report.Bins.Count);
        Assert.Equal(2, report.Bins[1].Count);
        Assert.Equal(0.5, report.Bins[1].FractionPositive);
        Assert.Equal(2, report.Bins[9].Count);
        Assert.Equal(0.975, report.Bins[9].MeanPredicted!.Value, 12);
        Assert.Null(report.Bins[5].MeanPredicted);
    }

    [Fact]
    public void Calibration_rejects_scores_that_are_not_probabilities()
    {
        Assert.Throws<ArgumentException>(() => Calibration.Compute(new ScoredCases([1.5], [true])));
    }

    [Fact]
    public void Bootstrap_is_seeded_stratified_and_brackets_the_auc()
    {
        var random = new Random(11);
        var scores = Enumerable.Range(0, 120).Select(_ => random.NextDouble()).ToArray();
        var labels = scores.Select(s => random.NextDouble() < s).ToArray();
        var cases = new ScoredCases(scores, labels);

        var first = BootstrapCi.Auc(cases, replicates: 300, seed: 5)!.Value;
        var again = BootstrapCi.Auc(cases, replicates: 300, seed: 5)!.Value;
        var other = BootstrapCi.Auc(cases, replicates: 300, seed: 6)!.Value;
        double auc = DeLong.Auc(cases)!.Value;
        var delong = DeLong.Estimate(cases);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.InRange(auc, first.Low, first.High);
        // Same data, two methods: the intervals should be of similar width (within a factor of 1.5).
        Assert.InRange((first.High - first.Low) / (delong.CiHigh!.Value - delong.CiLow!.Value), 0.67, 1.5);
        Assert.Null(BootstrapCi.Auc(new ScoredCases([0.1, 0.2], [true, true])));
    }

    [Fact]
    public void Svg_plots_are_well_formed_xml_with_one_curve_per_series()
    {
        var cases = new ScoredCases([0.9, 0.4, 0.6, 0.1], [true, true, false, false]);
        var points = RocCurve.Points(cases);
        string roc = SvgPlots.Roc([new RocSeries("alexnet", points, 0.75), new RocSeries("ensemble <&>", points, null)]);
        var calibration = Calibration.Compute(cases);
        string reliability = SvgPlots.Reliability(calibration.Bins, calibration.ExpectedCalibrationError);

        var rocXml = XDocument.Parse(roc);
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(2, rocXml.Descendants(svg + "polyline").Count());
        Assert.Contains("alexnet (AUC 0.750)", roc);
        Assert.Contains("ensemble &lt;&amp;&gt; (AUC n/a)", roc);
        Assert.NotEmpty(XDocument.Parse(reliability).Descendants(svg + "rect"));
    }

    [Fact]
    public void Roc_marks_an_operating_point_in_plot_coordinates()
    {
        var points = RocCurve.Points(new ScoredCases([0.9, 0.4, 0.6, 0.1], [true, true, false, false]));
        string roc = SvgPlots.Roc([new RocSeries("site", points, 0.75)], "ROC", (0.25, 0.75, "threshold 0.6 <x>"));

        XNamespace svg = "http://www.w3.org/2000/svg";
        var circle = Assert.Single(XDocument.Parse(roc).Descendants(svg + "circle"));
        // The plot is 400 px wide with a 50 px margin: x = 50 + 0.25 * 400, y = 50 + (1 - 0.75) * 400.
        Assert.Equal(("150", "150"), (circle.Attribute("cx")!.Value, circle.Attribute("cy")!.Value));
        Assert.Contains("threshold 0.6 &lt;x&gt;", roc);
        Assert.Empty(XDocument.Parse(SvgPlots.Roc([new RocSeries("site", points, 0.75)])).Descendants(svg + "circle"));
    }
}
