using TbScreen.Audit.Bias;
using TbScreen.Training.Experiments;

namespace TbScreen.Audit.Tests;

public sealed class BiasInjectionTests
{
    /// <summary>30 group positives, 20 group negatives, 25 positives and 25 negatives outside the group, interleaved.</summary>
    private static (bool[] Labels, bool[] InGroup) Population()
    {
        var labels = new List<bool>();
        var group = new List<bool>();
        void Add(int n, bool label, bool inGroup)
        {
            labels.AddRange(Enumerable.Repeat(label, n));
            group.AddRange(Enumerable.Repeat(inGroup, n));
        }

        Add(30, true, true);
        Add(20, false, true);
        Add(25, true, false);
        Add(25, false, false);
        int[] order = Enumerable.Range(0, 100).ToArray();
        new Random(7).Shuffle(order);
        return (order.Select(i => labels[i]).ToArray(), order.Select(i => group[i]).ToArray());
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.2, 6)]
    [InlineData(0.25, 8)] // 7.5 rounds away from zero
    [InlineData(0.4, 12)]
    [InlineData(0.6, 18)]
    [InlineData(1.0, 30)]
    public void Label_bias_flips_exactly_the_fraction_of_the_groups_positives_and_nothing_else(double fraction, int expected)
    {
        var (labels, group) = Population();
        bool[] biased = BiasInjection.FlipPositives(labels, group, fraction, seed: 3);
        int[] changed = Enumerable.Range(0, labels.Length).Where(i => biased[i] != labels[i]).ToArray();
        Assert.Equal(expected, changed.Length);
        Assert.All(changed, i =>
        {
            Assert.True(group[i]);
            Assert.True(labels[i]);
            Assert.False(biased[i]);
        });
    }

    [Fact]
    public void Label_bias_is_seeded_and_nested_across_levels()
    {
        var (labels, group) = Population();
        var low = Flipped(BiasInjection.FlipPositives(labels, group, 0.2, 5), labels);
        var high = Flipped(BiasInjection.FlipPositives(labels, group, 0.6, 5), labels);
        Assert.Equal(low, Flipped(BiasInjection.FlipPositives(labels, group, 0.2, 5), labels));
        Assert.True(low.IsSubsetOf(high)); // one shuffle per seed: a higher level adds to the lower one
        Assert.NotEqual(high, Flipped(BiasInjection.FlipPositives(labels, group, 0.6, 6), labels));
    }

    [Theory]
    [InlineData(0.5, 15)]
    [InlineData(0.1, 27)]
    [InlineData(1.0, 0)]
    public void Selection_bias_keeps_exactly_the_requested_share_of_the_groups_positives(double fraction, int keptGroupPositives)
    {
        var (labels, group) = Population();
        bool[] keep = BiasInjection.DropPositives(labels, group, fraction, seed: 2);
        Assert.Equal(keptGroupPositives, Enumerable.Range(0, 100).Count(i => keep[i] && labels[i] && group[i]));
        Assert.All(Enumerable.Range(0, 100).Where(i => !(labels[i] && group[i])), i => Assert.True(keep[i]));
    }

    [Fact]
    public void Combined_bias_drops_first_then_flips_among_the_remaining_group_positives()
    {
        var (labels, group) = Population();
        var (keep, biased) = BiasExperimentRunner.Bias(labels, group, labelBias: 0.4, selectionBias: 0.5, seed: 1);
        Assert.Equal(15, Enumerable.Range(0, 100).Count(i => !keep[i]));
        Assert.Equal(6, Enumerable.Range(0, 100).Count(i => keep[i] && labels[i] && !biased[i])); // round(0.4 * 15)
        Assert.All(Enumerable.Range(0, 100).Where(i => !group[i]), i => Assert.Equal(labels[i], biased[i]));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var (labels, group) = Population();
        Assert.Throws<ArgumentOutOfRangeException>(() => BiasInjection.FlipPositives(labels, group, 1.2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BiasInjection.DropPositives(labels, group, -0.1, 1));
        Assert.Throws<ArgumentException>(() => BiasInjection.FlipPositives(labels, group.Take(10).ToArray(), 0.2, 1));
    }

    [Fact]
    public void Groups_parse_and_a_random_group_is_stable_and_about_the_requested_size()
    {
        var bands = AgeBands.Parse(AgeBands.Default);
        Assert.Equal("sex=F", BiasGroup.Parse("sex=f").Name);
        Assert.Equal("site=tbx11k", BiasGroup.Parse("source=tbx11k").Name);
        Assert.True(BiasGroup.Parse("sex=F").Contains(new AuditCase("a", true, 0, false, Sex: "female"), "p1", bands, 1));
        Assert.False(BiasGroup.Parse("sex=F").Contains(new AuditCase("a", true, 0, false), "p1", bands, 1));
        Assert.True(BiasGroup.Parse("age=55+").Contains(new AuditCase("a", true, 0, false, Age: 55), "p1", bands, 1));

        var random = BiasGroup.Parse("random=0.5");
        var c = new AuditCase("a", true, 0, false);
        bool[] members = Enumerable.Range(0, 2000).Select(i => random.Contains(c, $"patient{i}", bands, 1)).ToArray();
        Assert.InRange(members.Count(m => m), 900, 1100);
        Assert.Equal(members, Enumerable.Range(0, 2000).Select(i => random.Contains(c, $"patient{i}", bands, 1)).ToArray());
        Assert.NotEqual(members, Enumerable.Range(0, 2000).Select(i => random.Contains(c, $"patient{i}", bands, 2)).ToArray());

        Assert.Throws<FormatException>(() => BiasGroup.Parse("random=1.5"));
        Assert.Throws<FormatException>(() => BiasGroup.Parse("sex"));
        Assert.Throws<FormatException>(() => BiasGroup.Parse("height=2"));
    }

    [Fact]
    public void Evaluation_matches_hand_computed_accuracy_auc_and_gaps()
    {
        // group: labels 1,1,0,0 scores .9,.4,.6,.1 -> called 1,0,1,0: TPR 0.5, FPR 0.5, positive rate 0.5
        // rest:  labels 1,1,0,0 scores .8,.7,.2,.3 -> called 1,1,0,0: TPR 1.0, FPR 0.0, positive rate 0.5
        bool[] labels = [true, true, false, false, true, true, false, false];
        double[] scores = [0.9, 0.4, 0.6, 0.1, 0.8, 0.7, 0.2, 0.3];
        bool[] group = [true, true, true, true, false, false, false, false];
        var e = BiasEvaluation.Compute(BiasEvaluation.CleanLabels, labels, scores, group, 0.5, 200, 1);
        Assert.Equal(0.75, e.Accuracy, 12);
        Assert.Equal(15.0 / 16, e.Auc!.Value, 12); // only the positive 0.4 ranks below a negative (0.6)
        Assert.Equal(-0.5, e.TprGap!.Value, 12);
        Assert.Equal(0.5, e.EqualisedOdds!.Value, 12);
        Assert.Equal(0.0, e.DemographicParity, 12);
        Assert.Equal(4, e.Positives);
        var again = BiasEvaluation.Compute(BiasEvaluation.CleanLabels, labels, scores, group, 0.5, 200, 1);
        Assert.Equal(e.EqualisedOddsCi, again.EqualisedOddsCi);
    }

    private static HashSet<int> Flipped(bool[] biased, bool[] labels) =>
        Enumerable.Range(0, labels.Length).Where(i => biased[i] != labels[i]).ToHashSet();
}
