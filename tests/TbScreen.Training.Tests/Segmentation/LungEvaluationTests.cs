using TbScreen.Training.Segmentation;

namespace TbScreen.Training.Tests.Segmentation;

public sealed class LungEvaluationTests
{
    [Fact]
    public void The_distribution_reports_hand_computed_summaries()
    {
        LungEvaluationCase[] cases =
        [
            new("a.png", 0.90, true, ""), new("b.png", 0.80, true, ""), new("c.png", 1.00, true, ""), new("d.png", 0.96, true, ""),
        ];

        var d = LungEvaluation.Distribution(cases);

        // Sorted 0.80, 0.90, 0.96, 1.00. Mean 0.915. Median halfway between 0.90 and 0.96. 5th percentile at position 0.15.
        Assert.Equal(4, d.Count);
        Assert.Equal(0.915, d.Mean, 12);
        Assert.Equal(0.80, d.Min);
        Assert.Equal(1.00, d.Max);
        Assert.Equal(0.93, d.Median, 12);
        Assert.Equal(0.80 + (0.15 * 0.10), d.P5, 12);
        Assert.InRange(d.MeanCi![0], 0.80, 0.915);
        Assert.InRange(d.MeanCi[1], 0.915, 1.00);
        Assert.Equal(0.96, d.PerImage["d.png"]);
    }
}
