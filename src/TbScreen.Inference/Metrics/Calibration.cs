namespace TbScreen.Inference.Metrics;

/// <summary>One reliability-diagram bin [Lower, Upper); MeanPredicted and FractionPositive are null when empty.</summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double? MeanPredicted, double? FractionPositive);

public sealed record CalibrationReport(double? ExpectedCalibrationError, IReadOnlyList<CalibrationBin> Bins);

/// <summary>Expected calibration error over equal-width bins of predicted probability (Guo et al. 2017, binary form).</summary>
public static class Calibration
{
    /// <summary>
    /// ECE = sum over bins of (count / N) * |fraction positive - mean predicted|. Bins are [k/B, (k+1)/B) with 1.0
    /// in the last bin. Scores must be probabilities in [0, 1]. ECE is null with no cases.
    /// </summary>
    public static CalibrationReport Compute(ScoredCases cases, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var count = new int[bins];
        var sumPredicted = new double[bins];
        var positives = new int[bins];
        for (int i = 0; i < cases.Count; i++)
        {
            double p = cases.Scores[i];
            if (p is < 0 or > 1)
            {
                throw new ArgumentException($"Score {i} is {p}; calibration needs probabilities in [0, 1].");
            }

            int b = Math.Min((int)(p * bins), bins - 1);
            count[b]++;
            sumPredicted[b] += p;
            positives[b] += cases.Labels[i] ? 1 : 0;
        }

        var result = new List<CalibrationBin>(bins);
        double ece = 0;
        for (int b = 0; b < bins; b++)
        {
            double? mean = count[b] == 0 ? null : sumPredicted[b] / count[b];
            double? fraction = count[b] == 0 ? null : (double)positives[b] / count[b];
            if (count[b] > 0)
            {
                ece += (double)count[b] / cases.Count * Math.Abs(fraction!.Value - mean!.Value);
            }

            result.Add(new CalibrationBin((double)b / bins, (double)(b + 1) / bins, count[b], mean, fraction));
        }

        return new CalibrationReport(cases.Count == 0 ? null : ece, result);
    }
}
