using TbScreen.Inference.Metrics;

namespace TbScreen.Inference.Tests.Metrics;

public sealed class ThresholdCrossValidationTests
{
    [Fact]
    public void EachFoldIsJudgedByTheThresholdChosenWithoutIt()
    {
        // Worked by hand with the rule "highest threshold reaching the target on the other fold":
        // fold 0 = {0.9 TB, 0.4 TB, 0.3 normal}: the other fold gives 0.8, so 0.9 is caught, 0.4 missed, 0.3 cleared.
        // fold 1 = {0.8 TB, 0.7 normal, 0.2 normal}: the other fold gives 0.4, so 0.8 is caught, 0.7 a false alarm.
        var cases = new ScoredCases([0.9, 0.8, 0.4, 0.7, 0.3, 0.2], [true, true, true, false, false, false]);
        var result = ThresholdCrossValidation.Run(cases, 1.0, [0, 1, 0, 1, 0, 1]);

        Assert.Equal(
            new[] { new ThresholdFold(0, 0.8, 1, 2, 1, 1), new ThresholdFold(1, 0.4, 1, 1, 1, 2) },
            result.Folds);
        Assert.Equal((0.5, 1.0), (result.Folds[0].Sensitivity, result.Folds[0].Specificity));
        Assert.Equal(2.0 / 3, result.PooledSensitivity, 12);
        Assert.Equal(2.0 / 3, result.PooledSpecificity, 12);
    }

    [Fact]
    public void SeededFoldsAreStratifiedAndReproducible()
    {
        var random = new Random(4);
        bool[] labels = Enumerable.Range(0, 17).Select(i => i < 10).ToArray();
        double[] scores = labels.Select(l => (l ? 0.3 : 0) + random.NextDouble()).ToArray();
        var cases = new ScoredCases(scores, labels);

        var first = ThresholdCrossValidation.Run(cases, 0.9, folds: 5, seed: 1);
        var again = ThresholdCrossValidation.Run(cases, 0.9, folds: 5, seed: 1);

        Assert.Equal(first.Folds, again.Folds);
        Assert.All(first.Folds, f => Assert.Equal(2, f.Positives)); // 10 TB over 5 folds
        Assert.Equal(new[] { 1, 1, 1, 2, 2 }, first.Folds.Select(f => f.Negatives).Order()); // 7 normals
        Assert.Equal(10, first.Folds.Sum(f => f.Positives));
    }

    [Fact]
    public void TooFewCasesPerClassOrFoldsAreRefused()
    {
        var cases = new ScoredCases([0.9, 0.8, 0.1], [true, true, false]);
        Assert.Throws<ArgumentException>(() => ThresholdCrossValidation.Run(cases, 0.9, folds: 2, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdCrossValidation.Run(cases, 0.9, folds: 1, seed: 1));
        Assert.Throws<ArgumentException>(() => ThresholdCrossValidation.Run(cases, 0.9, [0, 0]));
    }
}
