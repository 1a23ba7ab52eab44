using TbScreen.Audit.Probe;

namespace TbScreen.Audit.Tests;

public sealed class ProbeTests
{
    private static (float[][] Features, string[] Labels, string[] Patients) Synthetic(bool separable, int n = 240, int d = 16)
    {
        var random = new Random(11);
        var features = new float[n][];
        var labels = new string[n];
        for (int i = 0; i < n; i++)
        {
            int cls = i % 3;
            labels[i] = $"site{cls}";
            features[i] = Enumerable.Range(0, d).Select(j => (float)(Gaussian(random) + (separable && j % 3 == cls ? 4.0 : 0.0))).ToArray();
        }

        if (!separable)
        {
            random.Shuffle(labels); // labels independent of the features
        }

        return (features, labels, Enumerable.Range(0, n).Select(i => $"p{i / 2}").ToArray());
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Separable_features_give_a_probe_accuracy_near_one_and_a_warning()
    {
        var (x, y, patients) = Synthetic(separable: true);
        var result = ProbeEvaluation.Run("m", "site", "all", x, y, patients, new ProbeOptions(), 200);
        Assert.True(result.BalancedAccuracy > 0.97, $"balanced accuracy {result.BalancedAccuracy}");
        Assert.True(result.High);
        Assert.Contains(result.Warnings, w => w.Contains("shortcut", StringComparison.Ordinal));
        Assert.Equal(1.0 / 3, result.Chance, 12);
    }

    [Fact]
    public void Features_unrelated_to_the_group_give_chance_and_no_warning()
    {
        var (x, y, patients) = Synthetic(separable: false);
        var result = ProbeEvaluation.Run("m", "site", "all", x, y, patients, new ProbeOptions(), 200);
        Assert.InRange(result.BalancedAccuracy, 0.2, 0.47);
        Assert.False(result.High);
        Assert.True(result.BalancedAccuracyCi[0] <= 1.0 / 3 + 0.05);
    }

    [Fact]
    public void Folds_keep_every_image_of_a_patient_together_and_are_seeded()
    {
        string[] patients = Enumerable.Range(0, 100).Select(i => $"p{i / 4}").ToArray();
        int[] folds = ProbeEvaluation.Folds(patients, 5, 1);
        Assert.All(patients.Select((p, i) => (p, folds[i])).GroupBy(x => x.p), g => Assert.Single(g.Select(x => x.Item2).Distinct()));
        Assert.Equal(5, folds.Distinct().Count());
        Assert.Equal(folds, ProbeEvaluation.Folds(patients, 5, 1));
        Assert.NotEqual(folds, ProbeEvaluation.Folds(patients, 5, 2));
    }

    [Fact]
    public void Balanced_accuracy_is_the_mean_recall_by_hand()
    {
        int[] y = [0, 0, 0, 0, 1, 1];
        int[] predicted = [0, 0, 0, 1, 1, 0];
        Assert.Equal((0.75 + 0.5) / 2, ProbeEvaluation.Balanced(y, predicted, Enumerable.Range(0, 6).ToArray(), 2), 12);
    }

    [Fact]
    public void A_single_class_or_mismatched_inputs_are_rejected()
    {
        float[][] x = [[1f], [2f], [3f]];
        Assert.Throws<ArgumentException>(() => ProbeEvaluation.Run("m", "sex", "all", x, ["F", "F", "F"], ["a", "b", "c"], new ProbeOptions()));
        Assert.Throws<ArgumentException>(() => ProbeEvaluation.Run("m", "sex", "all", x, ["F", "M"], ["a", "b", "c"], new ProbeOptions()));
    }
}
