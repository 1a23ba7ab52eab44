using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>Percentiles of one measure over the repeats.</summary>
public sealed record SimulatedMeasure(double Median, double Low, double High);

/// <summary>What a site can expect from calibrating on a small local sample: held-out results over many draws.</summary>
public sealed record SiteCalibrationSimulationResult(
    int N,
    int Positives,
    int Negatives,
    int SamplePositives,
    int SampleNegatives,
    double TargetSensitivity,
    int Repeats,
    int Seed,
    SimulatedMeasure Threshold,
    SimulatedMeasure Sensitivity,
    SimulatedMeasure Specificity,
    double ShareReachingTarget);

/// <summary>
/// "If we calibrate on 20 TB and 20 normal local cases, what happens on the rest?" Draws the calibration sample
/// (stratified, without replacement, seeded) many times from one site's labelled cases, sets the threshold as
/// <see cref="SiteCalibration"/> does, and measures sensitivity and specificity on the cases not drawn. The spread
/// shows how much a threshold from a small sample moves; WHO asks for local calibration, this sizes it.
/// </summary>
public static class SiteCalibrationSimulation
{
    public static SiteCalibrationSimulationResult Run(IReadOnlyList<AuditCase> cases, int samplePositives, int sampleNegatives,
        double targetSensitivity, int repeats, int seed)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfLessThan(samplePositives, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleNegatives, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var positives = cases.Where(c => c.IsTb).ToArray();
        var negatives = cases.Where(c => !c.IsTb).ToArray();
        if (positives.Length <= samplePositives || negatives.Length <= sampleNegatives)
        {
            throw new ArgumentException(
                $"a {samplePositives} TB + {sampleNegatives} normal sample must leave cases of both classes to test on; the site has {positives.Length} TB and {negatives.Length} normal");
        }

        var random = new Random(seed);
        var thresholds = new double[repeats];
        var sensitivities = new double[repeats];
        var specificities = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            var (samplePos, restPos) = Draw(positives, samplePositives, random);
            var (sampleNeg, restNeg) = Draw(negatives, sampleNegatives, random);
            var sample = Scored([.. samplePos, .. sampleNeg]);
            double threshold = ThresholdSelection.ForSensitivity(sample, targetSensitivity)!.Threshold;
            var rest = ConfusionMatrix.At(Scored([.. restPos, .. restNeg]), threshold);
            thresholds[r] = threshold;
            sensitivities[r] = rest.Sensitivity!.Value;
            specificities[r] = rest.Specificity!.Value;
        }

        return new SiteCalibrationSimulationResult(cases.Count, positives.Length, negatives.Length, samplePositives, sampleNegatives,
            targetSensitivity, repeats, seed, Percentiles(thresholds), Percentiles(sensitivities), Percentiles(specificities),
            sensitivities.Count(s => s >= targetSensitivity) / (double)repeats);
    }

    private static (AuditCase[] Drawn, AuditCase[] Others) Draw(AuditCase[] cases, int count, Random random)
    {
        var shuffled = (AuditCase[])cases.Clone();
        random.Shuffle(shuffled);
        return (shuffled[..count], shuffled[count..]);
    }

    private static ScoredCases Scored(AuditCase[] cases) => new(cases.Select(c => c.Score).ToArray(), cases.Select(c => c.IsTb).ToArray());

    /// <summary>Median and the central 95% (2.5th and 97.5th percentiles, linear interpolation between order statistics).</summary>
    private static SimulatedMeasure Percentiles(double[] values)
    {
        var sorted = values.Order().ToArray();
        return new SimulatedMeasure(Quantile(sorted, 0.5), Quantile(sorted, 0.025), Quantile(sorted, 0.975));
    }

    internal static double Quantile(double[] sorted, double q) => Quantiles.OfSorted(sorted, q);
}
