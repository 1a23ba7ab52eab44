using TbScreen.Training.Robustness;

namespace TbScreen.Training.Tests;

/// <summary>The report's tables are the dashboard's contract: every row as wide as its header, numbers preformatted.</summary>
public sealed class RobustnessReportTests
{
    [Fact]
    public void TablesAreRectangularAndCarryTheNumbersAndTheFilesRoundTrip()
    {
        var report = new RobustnessReport
        {
            Target = "alexnet-pruned",
            Kind = "net",
            Checkpoints = [new CheckpointProof("alexnet-pruned", "/runs/p/best.pt", new string('a', 64), "/m/model.onnx", new string('b', 64), 4, 2e-8, 1e-4)],
            Threshold = 0.88,
            Data = new DataSummary("manifest.csv", "test", "split.csv", 4, 2, 2, 4, 2, []),
            Settings = new RunSettings([2 / 255.0], 5, [0.004], true, 1, 10, 0.003, 0.001, 1, 2, "test"),
            Clean = new CleanMetrics(0.75, [0.5, 1.0], "delong", "onnxruntime", 4, 0.75, 0.5, 1),
            AttackedClean = new CleanMetrics(0.75, [0.5, 1.0], "delong", "torchsharp, attacked images", 4, 0.75, 0.5, 1),
            Attacks = [new EpsilonResult(2 / 255.0, 2, 0.5, 0.25, 0.004, 2)],
            Lipschitz = [new LipschitzResult(2 / 255.0, 2, "logits", 0.003, 10, 412.5, [300, 500], 400, 600, 350, 480)],
            Corruptions = [new CorruptionResult("none", 0, 0, "clean", 0.75, 0.75), new CorruptionResult("blur", 1, 0.75, "blur", 0.7, 0.5)],
            PerImage = new PerImageValues(["a.png", "b.png", "c.png", "d.png"], [true, true, false, false], [0.9, 0.7, 0.2, 0.95],
                [new PerEpsilonValues(2 / 255.0, [true, false, true, false], [0.8, 0.3, 0.5, 0.99], new Dictionary<string, IReadOnlyList<double>> { ["logits"] = [300, 500, 350, 500] })]),
        };
        var dense = report with
        {
            Target = "alexnet",
            PerImage = report.PerImage with
            {
                ByEpsilon = [new PerEpsilonValues(2 / 255.0, [true, true, true, false], [0.85, 0.6, 0.4, 0.99], new Dictionary<string, IReadOnlyList<double>> { ["logits"] = [200, 300, 250, 450] })],
            },
        };
        report = report with { PruningComparison = PruningComparisons.Compare(dense, report) };
        var tables = RobustnessTables.Build(report);

        Assert.All(tables, t => Assert.All(t.Rows, row => Assert.Equal(t.Columns.Count, row.Count)));
        Assert.Contains(tables, t => t.Rows.Any(r => r.Contains("412.5 [300, 500]")));
        Assert.Contains(tables, t => t.Title.Contains("4 images attacked", StringComparison.Ordinal));
        var comparison = report.PruningComparison!;
        Assert.Equal(4, comparison.PairedImages);
        Assert.Equal(412.5 - 300, comparison.Lipschitz[0].Difference, 9); // (300+500+350+500)/4 - (200+300+250+450)/4
        Assert.Equal(-0.25, comparison.RobustAccuracy[0].Difference, 9);

        string folder = Path.Combine(Path.GetTempPath(), "tbscreen-robustness-" + Guid.NewGuid().ToString("N"));
        try
        {
            RobustnessFiles.Write(report with { Tables = tables }, folder);
            var back = RobustnessSuite.Read(Path.Combine(folder, RobustnessSuite.ReportFileName));
            Assert.Equal(tables.Count, back.Tables.Count);
            Assert.Equal(report.Lipschitz[0].Mean, back.Lipschitz[0].Mean);
            foreach (string plot in RobustnessFiles.PlotNames(report))
            {
                Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(folder, plot)));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
    [Fact]
    public void RelationToRobustnessIsTheAucOfTheConstantForNotRobustImages()
    {
        static RobustnessReport With(bool[] robust, double[] constants) => new()
        {
            Target = "net",
            Kind = "net",
            Checkpoints = [],
            Threshold = 0.5,
            Data = new DataSummary("m.csv", null, null, robust.Length, 0, robust.Length, robust.Length, 0, []),
            Clean = new CleanMetrics(null, null, "delong", "onnxruntime", robust.Length, 1, double.NaN, 1),
            Settings = new RunSettings([2 / 255.0], 5, [0.004], true, 1, 10, 0.003, 0.001, 1, 1, "test"),
            Attacks = [new EpsilonResult(2 / 255.0, 2, 0.5, 0.5, 0.004, 1)],
            Lipschitz = [new LipschitzResult(2 / 255.0, 2, "logits", 0.003, 10, constants.Average(), [0, 0], 0, 0, null, null)],
            PerImage = new PerImageValues(robust.Select((_, i) => $"{i}.png").ToArray(), robust.Select(_ => false).ToArray(), robust.Select(_ => 0.1).ToArray(),
                [new PerEpsilonValues(2 / 255.0, robust, robust.Select(_ => 0.1).ToArray(), new Dictionary<string, IReadOnlyList<double>> { ["logits"] = constants })]),
        };

        // Not-robust images (false) carry constants 5 and 9; robust ones 1, 6 and 7: of the 6 (not robust, robust) pairs
        // the not-robust constant is larger in 1 (5 > 1) + 3 (9 > 1, 6, 7) = 4, so the AUC is 4/6.
        var rows = RobustnessSuite.WithRelationToRobustness(With([true, false, true, false, true], [1, 5, 6, 9, 7]));
        Assert.Equal(4 / 6.0, rows[0].NotRobustAuc!.Value, 9);
        Assert.NotNull(rows[0].NotRobustAucCi);
        Assert.Contains(RobustnessTables.Build(With([true, false], [1, 2]) with { Lipschitz = rows }), t => t.Rows.Any(r => r.Any(c => c.StartsWith("0.667 [", StringComparison.Ordinal))));

        // One group empty: no relation to report.
        Assert.Null(RobustnessSuite.WithRelationToRobustness(With([true, true, true], [1, 2, 3]))[0].NotRobustAuc);
    }
}
