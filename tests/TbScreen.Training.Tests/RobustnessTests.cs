using TbScreen.Training.Robustness;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>Attacks, the Lipschitz estimator and the corruptions on tiny models whose answers are known in closed form.</summary>
public sealed class RobustnessTests
{
    // Rows share one sign pattern (+,-,+,-), so ||W s||_1 over s in {-1,1}^4 is attained at s = (1,-1,1,-1): 10 + 6 = 16.
    private static readonly float[,] Weights = { { 1, -2, 3, -4 }, { 0.5f, -1, 2, -2.5f } };

    /// <summary>logits = W x (no bias) on a flattened 1x2x2 "image"; no normalisation (mean 0, std 1, one channel).</summary>
    private static NetTarget Linear(double threshold = 0.5)
    {
        var linear = nn.Linear(4, 2, hasBias: false);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(new[] { Weights[0, 0], Weights[0, 1], Weights[0, 2], Weights[0, 3], Weights[1, 0], Weights[1, 1], Weights[1, 2], Weights[1, 3] }, new long[] { 2, 4 }));
        }

        var model = nn.Sequential(("flatten", nn.Flatten()), ("linear", linear));
        return new NetTarget("linear", model, 0f, 1f, 1, threshold);
    }

    private static Tensor Image(params float[] values) => tensor(values, new long[] { values.Length / 4, 1, 2, 2 });

    [Fact]
    public void FgsmOnALinearModelIsTheAnalyticWorstCase()
    {
        var target = Linear();
        var x = Image(0.5f, 0.002f, 0.5f, 0.999f, 0.3f, 0.6f, 0.7f, 0.2f);
        var labels = tensor(new long[] { 1, 0 });
        const double eps = 0.01;

        float[] adversarial = Attacks.Fgsm(target, x, labels, eps).data<float>().ToArray();

        // -log p_y has gradient (p_y - 1)(w_y - w_other) in x: the worst case moves along -sign(w_y - w_other).
        float[] pixels = x.data<float>().ToArray();
        for (int n = 0; n < 2; n++)
        {
            int y = n == 0 ? 1 : 0;
            for (int i = 0; i < 4; i++)
            {
                double direction = -Math.Sign(Weights[y, i] - Weights[1 - y, i]);
                float expected = (float)Math.Clamp(pixels[n * 4 + i] + eps * direction, 0, 1);
                Assert.Equal(expected, adversarial[n * 4 + i], 6);
            }
        }
    }

    [Fact]
    public void PgdIteratesStayInTheBallAndInTheUnitInterval()
    {
        var target = Linear();
        var x = Image(0.001f, 0.999f, 0.5f, 0.0f, 1.0f, 0.004f, 0.996f, 0.5f);
        float[] clean = x.data<float>().ToArray();
        var labels = tensor(new long[] { 1, 0 });
        const double eps = 0.01;
        int iterates = 0;
        using var generator = new Generator(3);

        Attacks.Pgd(target, x, labels, eps, new PgdOptions { Steps = 7, Restarts = 2, StepSize = 0.008 }, generator, iterate =>
        {
            iterates++;
            float[] values = iterate.data<float>().ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                Assert.InRange(values[i], 0f, 1f);
                Assert.InRange(Math.Abs(values[i] - clean[i]), 0, eps + 1e-6);
            }
        });

        Assert.Equal(2 * (7 + 1), iterates);
    }

    [Fact]
    public void PgdFlipsAnImageNearTheThresholdButNotAConfidentOne()
    {
        var target = Linear(threshold: 0.5);
        // z1 - z0 = (w1 - w0) . x; choose x so the first image sits just on the TB side and the second far from it.
        var near = FindInput(target, 0.51);
        var far = FindInput(target, 0.999);
        var outcome = Attacks.Pgd(target, torch.cat([near, far], 0), tensor(new long[] { 1, 1 }), 0.02, new PgdOptions(), new Generator(1));
        Assert.False(outcome.RobustCorrect[0]);
        Assert.True(outcome.RobustCorrect[1]);
        Assert.True(outcome.WorstTbProbability[0] < 0.5);
    }

    [Fact]
    public void LipschitzEstimatorReturnsTheExactConstantOfALinearMap()
    {
        // f(x) = (3x, -5x) on a one-pixel image: ||f(x)-f(x')||_1 / |x-x'| = 8 for every x' != x, so the Linf -> L1
        // norm is attained wherever the search ends. (For a general W Yang's signed steps circle the maximiser: at a
        // unique largest |d_j| the step always shrinks it; see the next test.)
        var linear = nn.Linear(1, 2, hasBias: false);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(new float[] { 3, -5 }, new long[] { 2, 1 }));
        }

        var target = new NetTarget("one-pixel", nn.Sequential(("flatten", nn.Flatten()), ("linear", linear)), 0f, 1f, 1, 0.5);
        var x = tensor(new float[] { 0.5f, 0.2f, 0.995f }, new long[] { 3, 1, 1, 1 });
        float[] clean = x.data<float>().ToArray();
        const double eps = 0.01;
        using var generator = new Generator(11);
        var last = Array.Empty<float>();

        double[] ratios = LipschitzEstimator.Estimate(target, x, eps, LipschitzOutputKind.Logits, new LipschitzOptions(), generator, iterate =>
        {
            last = iterate.data<float>().ToArray();
            Assert.All(last.Select((v, i) => Math.Abs(v - clean[i])), d => Assert.InRange(d, 0, eps + 1e-6));
            Assert.All(last, v => Assert.InRange(v, 0f, 1f));
        });

        // Yang et al.'s denominator ||x - x' + 1e-6||_inf costs a factor |d| / |d - 1e-6| with d = x' - x.
        for (int i = 0; i < ratios.Length; i++)
        {
            double d = last[i] - clean[i];
            Assert.True(Math.Abs(d) > 0.004, $"the search ended {d} from x");
            Assert.Equal(8 * Math.Abs(d) / Math.Abs(d - 1e-6), ratios[i], 3);
            Assert.Equal(8, ratios[i], 2);
        }
    }

    [Fact]
    public void LipschitzRatioOfAGeneralLinearMapNeverExceedsItsNorm()
    {
        var target = Linear();
        var x = Image(0.5f, 0.5f, 0.5f, 0.5f, 0.4f, 0.6f, 0.45f, 0.55f);
        double[] ratios = LipschitzEstimator.Estimate(target, x, 0.01, LipschitzOutputKind.Logits, new LipschitzOptions(), new Generator(2));
        // Linf -> L1 norm of Weights: max over sign vectors of ||W s||_1 = 16.
        Assert.All(ratios, r => Assert.InRange(r, 8, 16));
    }

    [Theory]
    [InlineData(CorruptionKind.GaussianNoise)]
    [InlineData(CorruptionKind.Rotation)]
    public void CorruptionsAreDeterministicForASeedAndDifferAcrossSeeds(CorruptionKind kind)
    {
        const int size = 24;
        float[] plane = Enumerable.Range(0, size * size).Select(i => (float)((i * 37 % 101) / 100.0)).ToArray();
        float[] Run(int seed, int image) => Corruptions.Apply(plane, size, kind, 3, seed, image);

        Assert.Equal(Run(5, 0), Run(5, 0));
        // Noise differs for any other seed; rotation only has a direction to draw, so look across images.
        bool differs = Enumerable.Range(0, 8).Any(image => !Run(5, image).SequenceEqual(Run(6, image)));
        Assert.True(differs);
    }

    [Theory]
    [InlineData(CorruptionKind.Blur)]
    [InlineData(CorruptionKind.Contrast)]
    [InlineData(CorruptionKind.Gamma)]
    [InlineData(CorruptionKind.Jpeg)]
    [InlineData(CorruptionKind.Downsample)]
    public void EveryCorruptionChangesTheImageStaysInRangeAndReproduces(CorruptionKind kind)
    {
        const int size = 32;
        float[] plane = Enumerable.Range(0, size * size).Select(i => (float)(0.2 + 0.6 * ((i % size) / (double)size) * ((i / size) % 3 == 0 ? 1 : 0.5))).ToArray();
        for (int severity = 1; severity <= Corruptions.Severities; severity++)
        {
            float[] corrupted = Corruptions.Apply(plane, size, kind, severity, 1, 0);
            Assert.All(corrupted, v => Assert.InRange(v, 0f, 1f));
            Assert.NotEqual(plane, corrupted);
            Assert.Equal(corrupted, Corruptions.Apply(plane, size, kind, severity, 1, 0));
        }

        // Higher severity moves the image further (mean absolute change grows).
        double Change(int s) => Corruptions.Apply(plane, size, kind, s, 1, 0).Zip(plane, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(Change(Corruptions.Severities) > Change(1));
    }

    [Fact]
    public void AdversarialTrainingLossOnALinearModelIsTheLossAtTheWorstCorner()
    {
        var target = Linear();
        var model = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(4, 2, hasBias: false)));
        using (no_grad())
        {
            model.parameters().First().copy_(tensor(new[] { Weights[0, 0], Weights[0, 1], Weights[0, 2], Weights[0, 3], Weights[1, 0], Weights[1, 1], Weights[1, 2], Weights[1, 3] }, new long[] { 2, 4 }));
        }

        var x = Image(0.5f, 0.4f, 0.6f, 0.5f);
        var y = tensor(new long[] { 1 });
        var defence = new Training.DefenceOptions { Kind = Training.DefenceKind.Adversarial, Epsilon = 0.02, Steps = 3 };
        double loss = Training.DefenceLoss.Compute(model, x, y, null, defence, g => g, new Generator(5)).item<float>();

        // Three steps of 2.5 eps / 3 reach the corner x - eps sign(w_tb - w_non) from any start in the ball.
        var corner = Attacks.Fgsm(target, x, y, 0.02);
        double expected = nn.functional.cross_entropy(model.forward(corner), y).item<float>();
        double clean = nn.functional.cross_entropy(model.forward(x), y).item<float>();
        Assert.Equal(expected, loss, 5);
        Assert.True(loss > clean);
    }

    [Fact]
    public void TradesAddsANonNegativeTermThatVanishesWithBetaZero()
    {
        var model = nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(4, 2)));
        var x = Image(0.5f, 0.4f, 0.6f, 0.5f, 0.1f, 0.9f, 0.3f, 0.7f);
        var y = tensor(new long[] { 1, 0 });
        double clean = nn.functional.cross_entropy(model.forward(x), y).item<float>();
        var trades = new Training.DefenceOptions { Kind = Training.DefenceKind.Trades, Epsilon = 0.05, Steps = 2, Beta = 6 };

        double withTerm = Training.DefenceLoss.Compute(model, x, y, null, trades, g => g, new Generator(1)).item<float>();
        double withoutTerm = Training.DefenceLoss.Compute(model, x, y, null, trades with { Beta = 0 }, g => g, new Generator(1)).item<float>();
        double lipschitz = Training.DefenceLoss.Compute(model, x, y, null, trades with { Kind = Training.DefenceKind.Lipschitz, Beta = 0.01 }, g => g, new Generator(1)).item<float>();

        Assert.Equal(clean, withoutTerm, 5);
        Assert.True(withTerm > clean);
        Assert.True(lipschitz > clean);
    }

    [Fact]
    public void EpsilonsParseAsFractions()
    {
        Assert.Equal([0.5 / 255, 2 / 255.0, 0.01], RobustnessOptions.ParseEpsilons("0.5/255, 2/255,0.01"));
        Assert.Throws<ArgumentException>(() => RobustnessOptions.ParseEpsilons("two/255"));
    }

    [Fact]
    public void EnsembleLogProbabilityIsTheLogOfTheMeanProbability()
    {
        var a = Linear();
        var b = new NetTarget("shifted", nn.Sequential(("flatten", nn.Flatten()), ("linear", nn.Linear(4, 2))), 0f, 1f, 1, 0.5);
        var ensemble = new EnsembleTarget("ensemble", [a, b], [1, 1], 0.5);
        var x = Image(0.1f, 0.9f, 0.3f, 0.7f);
        using var noGrad = no_grad();
        double mean = (a.LipschitzOutput(x, LipschitzOutputKind.Probabilities)[0, 1].item<float>() + b.LipschitzOutput(x, LipschitzOutputKind.Probabilities)[0, 1].item<float>()) / 2;
        Assert.Equal(mean, ensemble.LogProbabilities(x)[0, 1].exp().item<float>(), 5);
    }

    /// <summary>An input on the line x = c (1,-1,1,-1)/4 + 0.5 whose P(TB) is the given value.</summary>
    private static Tensor FindInput(NetTarget target, double probability)
    {
        double logit = Math.Log(probability / (1 - probability));
        double[] direction = Enumerable.Range(0, 4).Select(i => (double)(Weights[1, i] - Weights[0, i])).ToArray();
        double norm2 = direction.Sum(d => d * d);
        // (w1 - w0) . x = logit with x = 0.5 + t d: t = (logit - 0.5 sum d) / |d|^2.
        double t = (logit - 0.5 * direction.Sum()) / norm2;
        var x = Image(direction.Select(d => (float)(0.5 + t * d)).ToArray());
        using var noGrad = no_grad();
        Assert.Equal(probability, Attacks.TbProbabilities(target, x).item<float>(), 3);
        return x;
    }
}
