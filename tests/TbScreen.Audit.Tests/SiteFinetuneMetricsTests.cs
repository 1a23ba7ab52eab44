using TbScreen.Training.Experiments;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Splits;

namespace TbScreen.Audit.Tests;

public sealed class SiteFinetuneMetricsTests
{
    [Fact]
    public void Site_metrics_match_hand_computed_values()
    {
        // positives .9 .7 .3 (two of three called at 0.5), negatives .6 .2 .1 .05 (one of four called)
        double[] scores = [0.9, 0.7, 0.3, 0.6, 0.2, 0.1, 0.05];
        bool[] labels = [true, true, true, false, false, false, false];
        var m = SiteFinetuneRunner.Metrics("population", scores, labels, 0.5);
        Assert.Equal(2.0 / 3, m.Sensitivity!.Value, 12);
        Assert.Equal(0.75, m.Specificity!.Value, 12);
        Assert.Equal(11.0 / 12, m.Auc!.Value, 12); // 0.3 ranks below 0.6 only: 11 of 12 pairs ordered
        Assert.Equal((3, 4), (m.Positives, m.Negatives));
        var (low, high) = ProportionStatistics.Wilson(2, 3)!.Value;
        Assert.Equal([low, high], m.SensitivityCi!);
    }

    [Fact]
    public void The_shipped_file_split_form_of_split_files_is_accepted()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tbscreen-split-short", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        CxrRecord[] records =
        [
            new(Path.Combine(dir, "a.png"), 1, null, null, "s", "a"),
            new(Path.Combine(dir, "b.png"), 0, null, null, "s", "b"),
        ];
        File.WriteAllLines(Path.Combine(dir, "split.csv"), ["file,split", "a.png,train", "b.png,test"]);
        var assignment = SplitFile.Read(Path.Combine(dir, "split.csv"), records, dir);
        Assert.Equal(SplitName.Train, assignment[records[0]]);
        Assert.Equal(SplitName.Test, assignment[records[1]]);

        File.WriteAllLines(Path.Combine(dir, "bad.csv"), ["file,fold", "a.png,train"]);
        var e = Assert.Throws<DatasetException>(() => SplitFile.Read(Path.Combine(dir, "bad.csv"), records, dir));
        Assert.Contains("file,split", e.Message);
    }
}
