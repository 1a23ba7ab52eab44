using TbScreen.Inference.Datasets;
using TbScreen.Training.Sampling;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

public sealed class SamplingTests
{
    private static List<CxrRecord> Records(params (string Source, int Label, int Count)[] groups) =>
        groups.SelectMany(g => Enumerable.Range(0, g.Count).Select(i => new CxrRecord($"/d/{g.Source}-{g.Label}-{i}.png", g.Label, null, null, g.Source, $"{g.Source}-{g.Label}-{i}"))).ToList();

    [Fact]
    public void GroupsAreDrawnEquallyExceptSmallOnes()
    {
        // 40, 40 and 10 images with a minimum of 30: weights 1, 1, 1/3 -> 3/7, 3/7, 1/7.
        var train = Records(("nih", 0, 40), ("tbx", 1, 40), ("rahman", 1, 10));
        var groups = new TrainingGroups(train, minGroupSize: 30);
        Assert.Equal(new[] { "nih/0", "rahman/1", "tbx/1" }, groups.Names);
        double[] p = groups.Probabilities();
        Assert.Equal(3.0 / 7, p[0], 10);
        Assert.Equal(1.0 / 7, p[1], 10);
        Assert.Equal(3.0 / 7, p[2], 10);

        int[] drawn = groups.DrawEpoch(new Random(3), 70_000);
        double rahman = drawn.Count(i => groups.GroupOf[i] == 1) / 70_000.0;
        Assert.Equal(1.0 / 7, rahman, 2);
        Assert.Equal(drawn, groups.DrawEpoch(new Random(3), 70_000));
    }

    [Fact]
    public void GroupDroMovesWeightToTheWorstGroup()
    {
        using var scope = NewDisposeScope();
        var dro = new GroupDro(groups: 2, stepSize: 0.5);
        var loss = dro.Loss(tensor(new[] { 1f, 1f, 2f }), [0, 0, 1]);
        // q = (0.5 e^{0.5}, 0.5 e^{1}) normalised; loss = q0 * 1 + q1 * 2.
        double q0 = Math.Exp(0.5) / (Math.Exp(0.5) + Math.Exp(1)), q1 = 1 - q0;
        Assert.Equal(q0, dro.Weights[0], 6);
        Assert.Equal(q1, dro.Weights[1], 6);
        Assert.Equal(q0 * 1 + q1 * 2, loss.item<float>(), 5);
    }

    [Fact]
    public void WithinSourceSelectionIgnoresTheHospitalGap()
    {
        // Source a: TB scores all above normal scores from b, so the pooled AUC is high; within a and b it is 0.5 and 0.
        double[] scores = [0.9, 0.9, 0.8, 0.1, 0.2, 0.3];
        bool[] isTb = [true, false, true, false, true, false];
        string[] sources = ["a", "a", "a", "b", "b", "b"];
        // a: TB {0.9, 0.8} vs normal {0.9}: pairs 0.5 + 0 = 0.25; b: TB {0.2} vs normals {0.1, 0.3}: 0.5. Pairs 2 and 2.
        Assert.Equal((2 * 0.25 + 2 * 0.5) / 4, SelectionAuc.Compute(scores, isTb, sources, SelectionKind.WithinSource)!.Value, 10);
        // Pooled: TB {0.9, 0.8, 0.2} against normal {0.9, 0.1, 0.3}: 5.5 of 9 pairs.
        Assert.Equal(5.5 / 9, SelectionAuc.Compute(scores, isTb, sources, SelectionKind.Pooled)!.Value, 10);
        // No source holds both classes: within-source falls back to the pooled AUC.
        Assert.Equal(5.5 / 9, SelectionAuc.Compute(scores, isTb, ["x", "y", "x", "y", "x", "y"], SelectionKind.WithinSource)!.Value, 10);
    }
}
