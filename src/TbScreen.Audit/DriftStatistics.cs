namespace TbScreen.Audit;

/// <summary>The population stability index and the bins it was computed over (proportions per bin).</summary>
public sealed record PsiResult(double Psi, IReadOnlyList<double> Edges, IReadOnlyList<double> ReferenceShares, IReadOnlyList<double> CurrentShares);

/// <summary>The two-sample Kolmogorov-Smirnov statistic D and its asymptotic p-value.</summary>
public sealed record KsResult(double Statistic, double PValue);

/// <summary>
/// How far a score distribution has moved from a reference (the validation split's ensemble scores):
/// the population stability index over the reference's quantile bins, and the two-sample KS statistic.
/// </summary>
public static class DriftStatistics
{
    /// <summary>Proportion given to an empty bin so that ln(a/e) stays finite (the usual PSI convention).</summary>
    public const double EmptyBinShare = 1e-4;

    public const int DefaultBins = 10;

    /// <summary>
    /// PSI = Σ (c − r) · ln(c / r) over bins, c and r the current and reference shares. Bins: (−∞, e1), [e1, e2), …,
    /// [ek, +∞) for the given inner edges; empty bins count as <see cref="EmptyBinShare"/>.
    /// </summary>
    public static PsiResult Psi(IReadOnlyList<double> reference, IReadOnlyList<double> current, IReadOnlyList<double> innerEdges)
    {
        Require(reference, nameof(reference));
        Require(current, nameof(current));
        ArgumentNullException.ThrowIfNull(innerEdges);
        for (int i = 1; i < innerEdges.Count; i++)
        {
            if (!(innerEdges[i] > innerEdges[i - 1]))
            {
                throw new ArgumentException("bin edges must increase strictly", nameof(innerEdges));
            }
        }

        double[] r = Shares(reference, innerEdges);
        double[] c = Shares(current, innerEdges);
        double psi = 0;
        for (int i = 0; i < r.Length; i++)
        {
            double ri = Math.Max(r[i], EmptyBinShare), ci = Math.Max(c[i], EmptyBinShare);
            psi += (ci - ri) * Math.Log(ci / ri);
        }

        return new PsiResult(psi, innerEdges.ToArray(), r, c);
    }

    /// <summary>PSI over the reference's deciles (ties merged, so a reference with many equal scores has fewer bins).</summary>
    public static PsiResult Psi(IReadOnlyList<double> reference, IReadOnlyList<double> current, int bins = DefaultBins) =>
        Psi(reference, current, QuantileEdges(reference, bins));

    /// <summary>Inner edges at the reference's k/bins quantiles (sorted[⌊k·n/bins⌋]), distinct and above its minimum.</summary>
    public static IReadOnlyList<double> QuantileEdges(IReadOnlyList<double> reference, int bins = DefaultBins)
    {
        Require(reference, nameof(reference));
        if (bins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), bins, "PSI needs at least two bins");
        }

        double[] sorted = reference.Order().ToArray();
        var edges = new List<double>();
        for (int k = 1; k < bins; k++)
        {
            // The value with k/bins of the reference below it: bins are closed on the left.
            double edge = sorted[Math.Min(sorted.Length - 1, k * sorted.Length / bins)];
            if (edge > sorted[0] && (edges.Count == 0 || edge > edges[^1]))
            {
                edges.Add(edge);
            }
        }

        return edges;
    }

    /// <summary>
    /// D = sup |F_ref(x) − F_cur(x)| over the empirical CDFs, with the asymptotic p-value Q_KS(λ),
    /// λ = (√n_e + 0.12 + 0.11/√n_e) · D, n_e = n·m/(n+m) (Numerical Recipes' approximation; ties are fine for D).
    /// </summary>
    public static KsResult KolmogorovSmirnov(IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        Require(reference, nameof(reference));
        Require(current, nameof(current));
        double[] a = reference.Order().ToArray(), b = current.Order().ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < a.Length && j < b.Length)
        {
            // Step past every value equal to the smaller one in both samples, then compare the CDFs there.
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(i / (double)a.Length - j / (double)b.Length));
        }

        double ne = a.Length * (double)b.Length / (a.Length + b.Length);
        double sqrt = Math.Sqrt(ne);
        return new KsResult(d, KolmogorovQ((sqrt + 0.12 + 0.11 / sqrt) * d));
    }

    /// <summary>Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}: the probability that the Kolmogorov statistic exceeds λ.</summary>
    public static double KolmogorovQ(double lambda)
    {
        if (lambda < 1e-3)
        {
            return 1;
        }

        double sum = 0, sign = 1;
        for (int k = 1; k <= 100; k++)
        {
            double term = sign * Math.Exp(-2 * k * k * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12)
            {
                break;
            }

            sign = -sign;
        }

        return Math.Clamp(2 * sum, 0, 1);
    }

    private static double[] Shares(IReadOnlyList<double> values, IReadOnlyList<double> innerEdges)
    {
        var counts = new double[innerEdges.Count + 1];
        foreach (double v in values)
        {
            // The bin is the number of inner edges at or below v: [e_k, e_k+1) closed on the left.
            int bin = 0;
            while (bin < innerEdges.Count && v >= innerEdges[bin])
            {
                bin++;
            }

            counts[bin]++;
        }

        return counts.Select(c => c / values.Count).ToArray();
    }

    private static void Require(IReadOnlyList<double> values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
        {
            throw new ArgumentException($"{name}: no scores", name);
        }

        if (values.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"{name}: a score is not a finite number", name);
        }
    }
}
