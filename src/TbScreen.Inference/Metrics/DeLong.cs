namespace TbScreen.Inference.Metrics;

/// <summary>An AUC with DeLong's variance; <see cref="Auc"/> is null (with <see cref="Reason"/>) for a single class.</summary>
public sealed record AucEstimate(double? Auc, double? Variance, double? CiLow, double? CiHigh, int Positives, int Negatives, string? Reason)
{
    public double? StandardError => Variance is double v ? Math.Sqrt(v) : null;
}

/// <summary>Two correlated AUCs on the same cases (DeLong, DeLong &amp; Clarke-Pearson 1988).</summary>
public sealed record AucComparison(double AucA, double AucB, double Difference, double Variance, double Z, double PValue);

/// <summary>
/// ROC AUC as the Mann-Whitney statistic (ties count 1/2) with DeLong's structural-components variance,
/// computed from mid-ranks in O(n log n) (Sun &amp; Xu 2014) rather than the O(m n) kernel matrix.
/// </summary>
public static class DeLong
{
    public const double Z95 = 1.959963984540054;

    public static AucEstimate Estimate(ScoredCases cases, double z = Z95)
    {
        ArgumentNullException.ThrowIfNull(cases);
        if (cases.SingleClassReason is string reason)
        {
            return new AucEstimate(null, null, null, null, cases.Positives.Length, cases.Negatives.Length, reason);
        }

        var (v10, v01) = Components(cases.Positives, cases.Negatives);
        double auc = v10.Average();
        double variance = SampleVariance(v10) / v10.Length + SampleVariance(v01) / v01.Length;
        double half = z * Math.Sqrt(variance);
        return new AucEstimate(auc, variance, Math.Max(0, auc - half), Math.Min(1, auc + half), v10.Length, v01.Length, null);
    }

    /// <summary>Mann-Whitney AUC alone; null for a single class.</summary>
    public static double? Auc(ScoredCases cases) => Estimate(cases).Auc;

    /// <summary>DeLong's test of two scores for the same labelled cases (paired): H0 AUC_A = AUC_B.</summary>
    public static AucComparison Compare(IReadOnlyList<double> scoresA, IReadOnlyList<double> scoresB, IReadOnlyList<bool> labels)
    {
        var a = new ScoredCases(scoresA, labels);
        var b = new ScoredCases(scoresB, labels);
        if (a.SingleClassReason is string reason)
        {
            throw new ArgumentException($"Cannot compare AUCs: {reason}.");
        }

        var (a10, a01) = Components(a.Positives, a.Negatives);
        var (b10, b01) = Components(b.Positives, b.Negatives);
        double aucA = a10.Average();
        double aucB = b10.Average();
        double variance = (SampleVariance(a10) + SampleVariance(b10) - 2 * SampleCovariance(a10, b10)) / a10.Length
            + (SampleVariance(a01) + SampleVariance(b01) - 2 * SampleCovariance(a01, b01)) / a01.Length;
        double diff = aucA - aucB;
        double zStat = variance > 0 ? diff / Math.Sqrt(variance) : 0;
        double p = variance > 0 ? 2 * NormalDistribution.UpperTail(Math.Abs(zStat)) : 1;
        return new AucComparison(aucA, aucB, diff, variance, zStat, p);
    }

    /// <summary>
    /// V10[i] = fraction of negatives below positive i (ties 1/2); V01[j] = fraction of positives above negative j.
    /// From mid-ranks: V10[i] = (R_all(i) - R_pos(i)) / n, V01[j] = 1 - (R_all(j) - R_neg(j)) / m.
    /// </summary>
    internal static (double[] V10, double[] V01) Components(double[] positives, double[] negatives)
    {
        int m = positives.Length;
        int n = negatives.Length;
        double[] all = [.. positives, .. negatives];
        double[] rAll = MidRanks.Of(all);
        double[] rPos = MidRanks.Of(positives);
        double[] rNeg = MidRanks.Of(negatives);
        var v10 = new double[m];
        var v01 = new double[n];
        for (int i = 0; i < m; i++)
        {
            v10[i] = (rAll[i] - rPos[i]) / n;
        }

        for (int j = 0; j < n; j++)
        {
            v01[j] = 1 - (rAll[m + j] - rNeg[j]) / m;
        }

        return (v10, v01);
    }

    /// <summary>Denominator k - 1, as DeLong defines S10 and S01; 0 for a single value.</summary>
    private static double SampleVariance(double[] x) => SampleCovariance(x, x);

    private static double SampleCovariance(double[] x, double[] y)
    {
        if (x.Length < 2)
        {
            return 0;
        }

        double mx = x.Average();
        double my = y.Average();
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += (x[i] - mx) * (y[i] - my);
        }

        return sum / (x.Length - 1);
    }
}
